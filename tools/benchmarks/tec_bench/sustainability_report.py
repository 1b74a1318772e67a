"""Tables, verdicts and plots of the sustainability benchmark, written from
its ``results.json`` alone (see ``sustainability.py``)."""
import os
import os.path as osp
import re
import statistics
from typing import Dict, List, Optional

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

MARGIN = 0.5  # fine-tuning points TEC must win by


def summarise(arms: Dict[str, dict]) -> List[dict]:
    """Arms grouped by label (over seeds), in first-seen order."""
    groups: Dict[str, List[dict]] = {}
    for record in arms.values():
        groups.setdefault(record['label'], []).append(record)
    rows = []
    for label, runs in groups.items():
        row = dict(label=label, seeds=[r['seed'] for r in runs],
                   epochs=runs[0]['epochs'])
        for key in ('minutes', 'flops', 'knn', 'linear'):
            row[key] = statistics.mean(r[key] for r in runs)
        row['ft_all'] = [r['finetune'][-1] for r in runs]
        row['ft'] = statistics.mean(row['ft_all'])
        row['ft_first'] = statistics.mean(r['finetune'][0] for r in runs)
        rows.append(row)
    return rows


def compare(arms: Dict[str, dict], new: str, old: str,
            seeds=(0, 1)) -> Optional[dict]:
    """Fine-tuning top-1 of arm ``new`` minus arm ``old``, per seed.

    ``new`` and ``old`` are keys with ``{s}`` for the seed; None when a
    seed's arm is not measured yet.
    """
    try:
        diffs = [arms[new.format(s=s)]['finetune'][-1] -
                 arms[old.format(s=s)]['finetune'][-1] for s in seeds]
    except KeyError:
        return None
    return dict(mean=statistics.mean(diffs), diffs=diffs)


def claim(name: str, diff: Optional[dict]) -> str:
    """A verdict line: holds when the mean gain is at least ``MARGIN`` and
    every seed gains."""
    if diff is None:
        return f'- {name}: not measured yet.'
    ok = diff['mean'] >= MARGIN and all(d > 0 for d in diff['diffs'])
    per_seed = ' / '.join(f'{d:+.2f}' for d in diff['diffs'])
    return (f"- {name}: **{'holds' if ok else 'does not hold'}** "
            f"({diff['mean']:+.2f} fine-tuning top-1, per seed {per_seed}; "
            f'needs >= +{MARGIN} and every seed above 0).')


def verdict(name: str, arms: Dict[str, dict], new: str, old: str) -> str:
    """The claim's line; while seed 1 is missing, seed 0's difference."""
    diff = compare(arms, new, old)
    partial = compare(arms, new, old, seeds=(0, ))
    if diff is None and partial is not None:
        return (f'- {name}: seed 1 not measured yet (seed 0: '
                f"{partial['mean']:+.2f} fine-tuning top-1).")
    return claim(name, diff)


def verdicts(results: dict) -> List[str]:
    """One line per claim of the paper, at this scale."""
    arms, e1 = results['arms'], results.get('e1')
    if e1 is None:
        return ['- E1 not chosen yet (stage `curve`).']
    e2 = e1 // 3
    base, more = f'mae{e1}_s{{s}}', f'mae{e1}+{e2}_s{{s}}'
    tec = f'tec_mae{e1}_s{{s}}+{e2}'
    lines = [
        verdict(f'TEC ({e1} + {e2} ep) is above its MAE base ({e1} ep)',
                arms, tec, base),
        verdict(f'TEC ({e1} + {e2} ep) is above MAE trained {e1} + {e2} ep',
                arms, tec, more),
    ]
    longer = f'mae{e1}+{e1}_s{{s}}'
    long = compare(arms, tec, longer, seeds=(0, ))
    if long is None:
        lines.append(f'- Moonshot (above MAE {2 * e1} ep at < 0.7x its '
                     'cost): not measured yet.')
    else:
        ratio = (arms[tec.format(s=0)]['flops'] /
                 arms[longer.format(s=0)]['flops'])
        ok = long['mean'] > 0 and ratio < 0.7
        lines.append(f"- Moonshot, TEC above MAE {2 * e1} ep at < 0.7x its "
                     f"training FLOPs: **{'holds' if ok else 'does not hold'}"
                     f"** ({long['mean']:+.2f} top-1 at {ratio:.2f}x, "
                     'seed 0).')
    strong = compare(arms, f'tec_mae{e1}+{e1}_s{{s}}+{e2}',
                     f'mae{2 * e1}+{e2}_s{{s}}', seeds=(0, ))
    if strong is not None:
        lines.append(f"- From a stronger base ({2 * e1} ep MAE), TEC "
                     f"{2 * e1} + {e2} ep against MAE {2 * e1} + {e2} ep: "
                     f"{strong['mean']:+.2f} top-1 (seed 0).")
    return lines


def curve_epochs(results: dict) -> List[int]:
    """The E of every MAE run from scratch measured with seed 0."""
    return sorted(int(key[3:-3]) for key in results['arms']
                  if re.fullmatch(r'mae\d+_s0', key))


def curve_rows(results: dict) -> List[str]:
    """The MAE learning curve as markdown rows."""
    arms = results['arms']
    rows = ['| MAE epochs E | fine-tuning top-1 % | after E/3 more epochs | '
            'gain | kNN top-1 % |', '|---|---|---|---|---|']
    for e in curve_epochs(results):
        a, b = arms[f'mae{e}_s0'], arms.get(f'mae{e}+{e // 3}_s0')
        more = '- | -' if b is None else \
            f"{b['finetune'][-1]:.2f} | " \
            f"{b['finetune'][-1] - a['finetune'][-1]:+.2f}"
        rows.append(f"| {e} | {a['finetune'][-1]:.2f} | {more} | "
                    f"{a['knn']:.2f} |")
    return rows


def knee_line(results: dict, knee_gain: float) -> str:
    """Which E1 the curve chose, and whether it is a knee."""
    e1 = results.get('e1')
    if e1 is None:
        return 'E1 not chosen yet.'
    arms = results['arms']
    base, more = arms.get(f'mae{e1}_s0'), arms.get(f'mae{e1}+{e1 // 3}_s0')
    gain = more['finetune'][-1] - base['finetune'][-1]
    if gain < knee_gain:
        return (f'E1 = {e1}: the first E whose E/3 more epochs gain less '
                f'than {knee_gain} point ({gain:+.2f}).')
    return (f'No knee within the curve: E/3 more epochs still gain '
            f'{gain:+.2f} at E = {e1}, the last point, which is E1 until '
            'the curve is extended.')


def ranking_note(summary: List[dict]) -> str:
    """Whether fine-tuning ranks the arms the same after its first and its
    last epoch."""
    first = [s['label'] for s in sorted(summary, key=lambda s: -s['ft_first'])]
    last = [s['label'] for s in sorted(summary, key=lambda s: -s['ft'])]
    if first == last:
        return ('Fine-tuning ranks the arms the same after its first and '
                'its last epoch.')
    moved = [label for i, label in enumerate(last) if first[i] != label]
    return ('The ranking after the first fine-tuning epoch differs from the '
            'last for: ' + ', '.join(moved) + '.')


def plot(results: dict, summary: List[dict], path: str) -> None:
    """The MAE curve and accuracy against cost, in one figure."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    arms, epochs = results['arms'], curve_epochs(results)
    points = [(e, arms[f'mae{e}_s0']['finetune'][-1]) for e in epochs]
    if points:
        left.plot(*zip(*points), 'o-', label='MAE from scratch')
    more = [(e + e // 3, arms[f'mae{e}+{e // 3}_s0']['finetune'][-1])
            for e in epochs if f'mae{e}+{e // 3}_s0' in arms]
    if more:
        left.plot(*zip(*more), 's', label='continued by E/3')
    left.set_xlabel('MAE pretraining epochs')
    left.set_ylabel('fine-tuning top-1, % (test)')
    left.set_title('MAE learning curve (seed 0)')
    for i, s in enumerate(summary):
        right.scatter([s['flops'] / 1e12], [s['ft']], color=f'C{i % 10}',
                      marker='D', label=s['label'])
    right.set_xlabel('training TFLOPs, the base included')
    right.set_ylabel('fine-tuning top-1, % (test; mean of seeds)')
    right.set_title('accuracy against cost')
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6, loc='lower right')
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def chain_rows(results: dict) -> List[str]:
    """The sustainable chain (stage ``chain``) as a titled table, with a
    line comparing its last generation with MAE at the same cost."""
    keys, arms = results.get('chain'), results['arms']
    if not keys or any(key not in arms for key in keys):
        return []
    *generations, longer = (arms[key] for key in keys)
    rows = ['', '## Sustainable chain (seed 0)', '',
            '| generation | arm | training TFLOPs | fine-tuning top-1 % | '
            'kNN % |', '|---|---|---|---|---|']
    for generation, r in enumerate([*generations, longer]):
        name = str(generation) if generation < len(generations) else \
            'same cost'
        rows.append(f"| {name} | {r['label']} | {r['flops'] / 1e12:.1f} | "
                    f"{r['finetune'][-1]:.2f} | {r['knn']:.2f} |")
    last = generations[-1]
    rows += ['', f"Generation {len(generations) - 1} against MAE at "
             f"{longer['flops'] / last['flops']:.2f}x its training FLOPs: "
             f"{last['finetune'][-1] - longer['finetune'][-1]:+.2f} "
             'fine-tuning top-1.']
    return rows


def two_columns(title: str, column: str, rows: Dict[str, str]) -> List[str]:
    """A titled two-column table of ``rows``; nothing when empty."""
    if not rows:
        return []
    return ['', title, '', f'| setting | {column} |', '|---|---|',
            *(f'| {name} | {value} |' for name, value in rows.items())]


def write_report(results: dict, budget, out_dir: str) -> str:
    """Write ``results.md`` and ``accuracy_vs_cost.png``; return the md."""
    summary = summarise(results['arms'])
    lines = ['Fashion-MNIST, tiny ViT (6 blocks, width 96, 4 heads, 4x4 '
             f'patches), pretrained on the first {budget.pretrain_images} '
             'training images. Fine-tuning: all 60k training images, top-1 '
             'on the 10k test images.', '', '## MAE learning curve', '',
             *curve_rows(results), '', knee_line(results, budget.knee_gain),
             '',
             '## Arms', '',
             '| arm | seeds | epochs | wall-clock min | training TFLOPs | '
             'fine-tuning top-1 % (per seed) | after 1st FT epoch | '
             'kNN % | linear % |', '|---|---|---|---|---|---|---|---|---|']
    for s in summary:
        seeds = ' / '.join(f'{v:.2f}' for v in s['ft_all'])
        lines.append(
            f"| {s['label']} | {', '.join(map(str, s['seeds']))} | "
            f"{s['epochs']} | {s['minutes']:.1f} | {s['flops'] / 1e12:.1f} "
            f"| {s['ft']:.2f} ({seeds}) | {s['ft_first']:.2f} | "
            f"{s['knn']:.2f} | {s['linear']:.2f} |")
    lines += ['', 'Wall-clock: pretraining minutes of the arm and its '
              'parents as measured, including any slowdown from other jobs '
              'on the machine during a run; training FLOPs are the '
              'comparable cost.', '',
              ranking_note(summary) if summary else '', '',
              '## Verdicts', '', *verdicts(results), *chain_rows(results)]
    lines += two_columns(
        '## Validation sweep (seed 0; kNN top-1 %, bank: training images '
        '0-49999, queries: 50000-59999)', 'validation kNN %',
        {name: f"{v['knn']:.2f}"
         for name, v in results.get('sweep', {}).items()})
    if results.get('chosen'):
        warmup = budget.more_schedule[0]['end']
        lines.append(f"\nThe arms use the best setting: {results['chosen']} "
                     f'(warm-up {warmup:g} ep); the warm-up rows try other '
                     'lengths with it, after the choice.')
    lines += two_columns(
        '## Attention target of the E1 base (seed 0): row entropy / log N, '
        '512 validation images', 'entropy / log 49',
        {name: f'{v:.3f}' for name, v in results.get('entropy', {}).items()})
    text = '\n'.join(lines) + '\n'
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write(text)
    plot(results, summary, osp.join(out_dir, 'accuracy_vs_cost.png'))
    return text
