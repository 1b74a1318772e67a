"""The knee study's report, written from its results json: the plan and
its projected cost (:mod:`.knee_cost`), the curve to the knee, the TEC
sweep, the fine-tuning length, the arms on the test split and the
verdicts."""
import math
import os
import os.path as osp
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from .knee_cost import plan_rows, projected_minutes  # noqa: E402
from .knee_projection import knee_projection  # noqa: E402
from .knee_study import (FROM_THE_BASE, IMAGES, KNEE_GAIN,  # noqa
                         KNEE_MODELS, partner, setting_tag)
from .sustainability_report import (compare, summarise,  # noqa
                                   two_columns, verdict)


def images(results: dict) -> str:
    """The study's pretraining images, e.g. ``'10k'``."""
    images = results.get('images', IMAGES)
    return f'{images / 1000:g}k' if images >= 1000 else str(images)


def curve_finetuned(results: dict) -> Dict[int, Dict[str, float]]:
    """The curve's fine-tuning top-1 (last epoch) by recipe length: length
    -> point key -> top-1, from the results' ``finetune_val``."""
    found = results.get('finetune_val', {})
    by_length: Dict[int, Dict[str, float]] = {}
    for key in results.get('curve', {}):
        for length, tops in found.get(key, {}).items():
            by_length.setdefault(int(length), {})[key] = tops[-1]
    return dict(sorted(by_length.items()))


def curve_rows(results: dict) -> List[str]:
    """The curve on the validation split, seed by seed, with the gain of
    each point's partner E/3 further in kNN and in fine-tuning top-1 at
    each recipe length measured."""
    curve = results.get('curve', {})
    tuned = curve_finetuned(results)
    rows = ['## The learning curve (validation split)', '',
            '| seed | E | kNN | kNN gain at 4E/3 | ' + ''.join(
                f'fine-tuning ({n} ep) | gain at 4E/3 | ' for n in tuned) +
            'TFLOPs | min |', '|---|' * 1 + '---|' * (5 + 2 * len(tuned))]
    by = {(r['seed'], r['epochs']): k for k, r in curve.items()}
    for (seed, e), key in sorted(by.items()):
        r, more = curve[key], by.get((seed, partner(e)))
        cells = [f"{r['knn']:.2f}",
                 f"{curve[more]['knn'] - r['knn']:+.2f}" if more else '']
        for tops in tuned.values():
            cells += [f'{tops[key]:.2f}' if key in tops else '',
                      f'{tops[more] - tops[key]:+.2f}'
                      if key in tops and more in tops else '']
        rows.append(f"| {seed} | {e} | {' | '.join(cells)} | "
                    f"{r['flops'] / 1e12:.1f} | {r['minutes']:.0f} |")
    e1 = results.get('e1', 'missing')
    knee = (f'**E1 = {e1}**: the first E whose E/3 more epochs gain less '
            f"than {results.get('knee_gain', KNEE_GAIN)} in kNN and in "
            f"fine-tuning top-1 ({results.get('knee_finetune', 2)}-epoch "
            'recipe).'
            if isinstance(e1, int) else
            '**No knee** among the candidates {} to {} ({}-epoch '
            'recipe).'.format(*results.get('knee_search', ('?', '?')),
                              results.get('knee_finetune', 2))
            if e1 is None else
            'The knee search has not finished.')
    return rows + ['', knee, '', *projection_rows(results)]


def projection_rows(results: dict) -> List[str]:
    """Where the seed-0 curve projects the knee while it is not found."""
    if isinstance(results.get('e1'), int):
        return []
    gain = results.get('knee_gain', KNEE_GAIN)
    curve = results.get('curve', {})
    measures = [('kNN', 'knn', curve)]
    measures += [(f'Fine-tuning ({length} ep)', 'finetune', {
        key: dict(curve[key], finetune=[top]) for key, top in tops.items()})
        for length, tops in curve_finetuned(results).items()]
    rows = []
    for name, key, points in measures:
        fit = knee_projection(points, key, gain)
        if fit is None:
            continue
        shape = (f"{fit['a']:.2f} - {fit['b']:.2f} E^-{fit['c']:.2f}"
                 f" on {fit['points']} points")
        if fit['knee'] is None:
            rows.append(
                f'- {name} fits a log-linear curve ({shape}: the exponent at '
                'its lower bound), which gains the same at every E: no knee '
                'projected. The last two points gain '
                f"{fit['per_doubling']:.2f} per doubling of E; the rule needs "
                'less than '
                f'{gain / math.log2(4 / 3):.2f}.')
            continue
        cost = projected_minutes(fit['knee'], results['plan'])['total'] \
            if 'plan' in results else None
        rows.append(
            f"- {name} fits {shape}; on it E/3 more epochs gain less than "
            f"{gain} from E = {fit['knee']}" + (
                f', where the whole study projects to {cost / 60:.0f} '
                'single-process hours.' if cost else '.'))
    return ['Projection (seed 0):', '', *rows, ''] if rows else []


def plot(results: dict, path: str) -> None:
    """The curve: kNN and fine-tuning top-1 on the validation split against
    epochs, the knee marked."""
    fig, ax = plt.subplots(figsize=(6, 4))
    curve = results.get('curve', {})
    lines = {'kNN': {k: r['knn'] for k, r in curve.items()}}
    lines.update({f'fine-tuning {n} ep': tops for n, tops in
                  curve_finetuned(results).items()})
    for (name, tops), style in zip(lines.items(), ('o-', 's--', 'd-.', '^:')):
        points = sorted((curve[k]['epochs'], top) for k, top in tops.items()
                        if curve[k]['seed'] == 0)
        if points:
            ax.plot(*zip(*points), style, label=f'{name} (seed 0)')
    if isinstance(results.get('e1'), int):
        ax.axvline(results['e1'], color='grey', ls=':', label='E1')
    ax.set_xscale('log')
    ax.set_xlabel(f"MAE epochs ({results.get('model', KNEE_MODELS[0])}, "
                  f'{images(results)} images, WSD points)')
    ax.set_ylabel('top-1 on the validation split (%)')
    if ax.lines:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def base_name(results: dict) -> str:
    """The base the arms start from: the knee E1, or a point the knee rule
    has not reached (``--knee-base``)."""
    e, e1 = results['base'], results.get('e1', 'missing')
    return f'E1 = {e}' if e == e1 else (
        f'E = {e}, not the knee: `--knee-base {e}`, ' + (
            f'E1 = {e1}' if isinstance(e1, int) else 'no knee found'
            if e1 is None else 'the knee search not finished'))


def sweep_rows(results: dict, title: str) -> List[str]:
    """The TEC settings' kNN from the base, the one chosen and the base's
    attention-target entropy."""
    sweep = {name: f"{r['knn']:.2f}" for name, r in
             results.get('sweep', {}).items()}
    lines = [*(two_columns(title, 'kNN %', sweep) or
               ['', title, '', 'Not measured yet.']), '']
    if results.get('base') is not None:
        lines += [f'TEC for E1/3 from the base at {base_name(results)}.', '']
    entropy = "the base's attention target entropy / log N: " + ', '.join(
        f'{k} {v:.2f}' for k, v in results.get('entropy', {}).items())
    if results.get('chosen'):
        lines += [f"Chosen: {results['chosen']}; {entropy}", '']
    elif results.get('entropy'):
        lines += [entropy[0].upper() + entropy[1:], '']
    return lines


def earlier_rows(results: dict) -> List[str]:
    """The sweep and fine-tuning length from each earlier base (the
    results' ``earlier``, by base)."""
    rows = []
    for base, measured in results.get('earlier', {}).items():
        view = {key: value for key, value in results.items()
                if key not in FROM_THE_BASE}
        view.update(measured, base=int(base))
        rows += [*sweep_rows(view, '## TEC sweep from an earlier base '
                             f'(E = {base}; kNN, validation split)'),
                 *recipe_rows(view)]
    return rows


def recipe_rows(results: dict) -> List[str]:
    """Validation top-1 of the recipe arms at each fine-tuning length."""
    e1, chosen = results.get('base'), results.get('chosen')
    if e1 is None or chosen is None:
        return []
    keys = [f'mae{e1}wsd_s0', f'mae{partner(e1)}wsd_s0',
            f'tec{setting_tag(chosen)}_mae{e1}wsd_s0+{e1 // 3}']
    found = results.get('finetune_val', {})
    lengths = sorted({int(n) for k in keys for n in found.get(k, {})})
    if not lengths:
        return []
    rows = ['## Fine-tuning length (validation split)', '',
            '| arm | ' + ' | '.join(f'{n} ep' for n in lengths) + ' |',
            '|---|' + '---|' * len(lengths)]
    for key in keys:
        tops = found.get(key, {})
        rows.append(f'| {key} | ' + ' | '.join(
            f"{tops[str(n)][-1]:.2f}" if str(n) in tops else ''
            for n in lengths) + ' |')
    length = results.get('finetune_epochs')
    if length is None:
        return rows + ['']
    return rows + ['', f'Chosen: {length} epochs, ' + (
        'the shortest whose ranking of the three is the ranking one epoch '
        'longer.' if results.get('finetune_settled') else
        'the longest tried: the ranking had not settled.'), '']


def arm_rows(results: dict) -> List[str]:
    """The arms on the test split, mean and per seed."""
    length = results.get('finetune_epochs')
    rows = ['## Arms (test split)', '',
            f'Fine-tuning: {length} epochs on all 60k training images.'
            if length else 'Fine-tuning: its length is not chosen yet '
            '(stage `knee-recipe`).', '']
    groups = summarise(results.get('arms', {}))
    if not groups:
        return rows + ['Not measured yet.', '']
    rows += ['| arm | epochs | TFLOPs | fine-tuning top-1 % (per seed) | '
             'kNN % | linear % | min |', '|---|---|---|---|---|---|---|']
    for group in groups:
        seeds = ' / '.join(f'{v:.2f}' for v in group['ft_all'])
        rows.append(
            f"| {group['label']} | {group['epochs']} | "
            f"{group['flops'] / 1e12:.1f} | {group['ft']:.2f} ({seeds}) | "
            f"{group['knn']:.2f} | {group['linear']:.2f} | "
            f"{group['minutes']:.0f} |")
    return rows + ['']


def seed_zero(arms: Dict[str, dict], name: str, key: str, other: str,
              other_key: str) -> str:
    """A comparison of seed 0's arm ``key`` with arm ``other_key``: the
    difference in fine-tuning top-1 and the ratio of training FLOPs."""
    diff = compare(arms, key, other_key, seeds=(0, ))
    if diff is None:
        return f'- {name} against {other} (seed 0): not measured yet.'
    ratio = arms[key]['flops'] / arms[other_key]['flops']
    return (f"- {name} against {other} (seed 0): {diff['mean']:+.2f} "
            f'fine-tuning top-1 at {ratio:.2f}x its training FLOPs.')


def verdict_rows(results: dict) -> List[str]:
    """A line per claim at the base (the knee or ``--knee-base``)."""
    e1, chosen = results.get('base'), results.get('chosen')
    if e1 is None:
        return []
    if chosen is None:
        return ['## Verdicts', '', '- Not measured yet: TEC from the base '
                f'({base_name(results)}) has no setting chosen.', '']
    tec = f'tec{setting_tag(chosen)}_mae{e1}wsd_s{{s}}+{e1 // 3}'
    arms = results.get('arms', {})
    rows = ['## Verdicts', '',
            verdict(f'TEC E1/3 above the base ({base_name(results)})', arms,
                    tec,
                    f'mae{e1}wsd_s{{s}}'),
            verdict('TEC E1/3 above MAE E1 + E1/3', arms, tec,
                    f'mae{partner(e1)}wsd_s{{s}}')]
    tec_e1 = f'tec{setting_tag(chosen)}_mae{e1}wsd_s0+{e1}'
    return rows + [
        seed_zero(arms, 'TEC E1/3', tec.format(s=0), 'MAE 2 E1',
                  f'mae{2 * e1}wsd_s0'),
        seed_zero(arms, 'TEC E1', tec_e1, 'the base', f'mae{e1}wsd_s0'),
        seed_zero(arms, 'TEC E1', tec_e1, 'MAE 2 E1', f'mae{2 * e1}wsd_s0'),
        '']


def write_knee_report(results: dict, out_dir: str) -> str:
    """Write ``results.md`` and ``curve.png`` to ``out_dir``; return the
    md."""
    os.makedirs(out_dir, exist_ok=True)
    check = results.get('arms', {}).get('mae12wsd-30k_s0')
    lines = ['# Sustainability at the knee', '',
             f"Encoder: {results.get('model', KNEE_MODELS[0])} "
             f"(`--knee-model`), pretrained on {images(results)} "
             'images (`--knee-images`).', '', *plan_rows(results),
             *curve_rows(results)]
    if check:
        lines += ['Schedule check: the 12-epoch WSD point on 30k images '
                  f"fine-tunes to {check['finetune'][-1]:.2f} (2-epoch "
                  'recipe, test split), against 81.65 for the cosine MAE '
                  '12 ep of results/sustainability.', '']
    lines += [*sweep_rows(results, '## TEC sweep (kNN, validation split)'),
              *recipe_rows(results), *arm_rows(results),
              *verdict_rows(results), *earlier_rows(results),
              '## Minutes by stage (of every process that ran it, added '
              'up)', '',
              ', '.join(f'{k} {v:.0f}' for k, v in
                        results.get('stage_minutes', {}).items()), '']
    plot(results, osp.join(out_dir, 'curve.png'))
    text = '\n'.join(lines)
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write(text)
    return text
