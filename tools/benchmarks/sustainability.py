"""The sustainability benchmark: TEC from an MAE base against training the
base longer, with ablations, on Fashion-MNIST (CPU, about 1 h).

Arms (configs in ``configs/sustainability/``, budget in
``configs/_base_/sustainability_budget.py``):

1. MAE base: MMPretrain's MAE for E1 epochs (seeds 0 and 1);
2. MAE E1+E2: that base continued for E2 more epochs (same seeds);
3. TEC: E2 epochs from that base (same seeds);
4. ablations of TEC (seed 0): no attention target, per-patch channel
   normalisation of the feature target, no conditional adapter.

Each encoder (and a random-init reference) is evaluated frozen, on the
average-pooled last-block tokens of un-augmented images: kNN top-1 (k=20,
cosine, votes exp(s/0.07)) and linear-probe top-1, both fitted on the 60k
training images and measured on the 10k test images. Training wall-clock is
that of each ``tools/train.py`` process; an arm's cost adds its base's.
Writes ``results.md``, ``results.json`` and ``accuracy_vs_cost.png`` to
``--results``. Trained arms are reused when their ``done.json`` exists, so
an interrupted run continues where it stopped (``--fresh`` to retrain).

Usage:
    python tools/benchmarks/sustainability.py [--work-dir DIR]
        [--results DIR] [--seeds 0 1] [--fresh]
        [--cfg-options KEY=VALUE ...] [--eval-images N]
"""
import argparse
import json
import os
import os.path as osp
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from typing import Dict, List, Optional

warnings.filterwarnings('ignore', message='pkg_resources is deprecated')

import matplotlib  # noqa: E402

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from mmengine.config import Config  # noqa: E402

from tec_mm.evaluation import (frozen_features, knn_predict,  # noqa: E402
                               linear_probe, top1)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs/sustainability')
BUDGET = osp.join(ROOT, 'configs/_base_/sustainability_budget.py')
MAE_E1 = osp.join(CONFIGS, 'mae_vit-tiny-p4_fmnist-30k_e1.py')
MAE_MORE = osp.join(CONFIGS, 'mae_vit-tiny-p4_fmnist-30k_e1+e2.py')
TEC = osp.join(CONFIGS, 'tec_vit-tiny-p4_fmnist-30k_e2.py')
ABLATIONS = {
    'TEC without attention target': 'no-attention',
    'TEC, channel norm instead of patch norm': 'channel-norm',
    'TEC without conditional adapter': 'no-adapter',
}


def train(config: str, work_dir: str, options: List[str],
          fresh: bool) -> Dict[str, object]:
    """Train one arm with tools/train.py unless its work dir has done it.

    Returns:
        dict: ``checkpoint`` (the last one written) and ``minutes``
        (wall-clock of the training process).
    """
    done = osp.join(work_dir, 'done.json')
    if osp.exists(done) and not fresh:
        with open(done) as f:
            return json.load(f)
    shutil.rmtree(work_dir, ignore_errors=True)
    cmd = [sys.executable, osp.join(ROOT, 'tools/train.py'), config,
           '--work-dir', work_dir, '--cfg-options', *options]
    print('$ ' + ' '.join(cmd), flush=True)
    start = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        record = dict(checkpoint=f.read().strip(),
                      minutes=(time.time() - start) / 60)
    with open(done, 'w') as f:
        json.dump(record, f)
    return record


def evaluate(config: str, checkpoint: Optional[str], base: Optional[str],
             eval_images: Optional[int]) -> Dict[str, float]:
    """kNN and linear-probe top-1 (%) of a frozen encoder."""
    (train_x, train_y), (test_x, test_y) = frozen_features(
        Config.fromfile(config), checkpoint, base, eval_images, eval_images)
    knn = knn_predict(train_x, train_y, test_x, num_classes=10)
    probe = linear_probe(train_x, train_y, test_x, num_classes=10)
    return dict(knn=top1(knn, test_y), linear=top1(probe, test_y))


def run_arms(args: argparse.Namespace) -> List[dict]:
    """Train and evaluate every arm; one record per (arm, seed)."""
    opts = list(args.cfg_options)
    wd = args.work_dir
    rows = [dict(arm='random init (no pretraining)', seed=0, minutes=0.,
                 **evaluate(MAE_E1, None, None, args.eval_images))]
    for seed in args.seeds:
        seed_opts = opts + [f'randomness.seed={seed}']
        base = train(MAE_E1, osp.join(wd, f'mae_e1_seed{seed}'), seed_opts,
                     args.fresh)
        more = train(MAE_MORE, osp.join(wd, f'mae_e1+e2_seed{seed}'),
                     seed_opts + [f'load_from={base["checkpoint"]}'],
                     args.fresh)
        arms = [('TEC', TEC, f'tec_seed{seed}')]
        if seed == args.seeds[0]:
            arms += [(name, TEC.replace('.py', f'_{tag}.py'),
                      f'tec_{tag}_seed{seed}')
                     for name, tag in ABLATIONS.items()]
        tec_opts = seed_opts + [
            f'model.target_generator.checkpoint={base["checkpoint"]}']
        rows.append(dict(arm='MAE base (E1)', seed=seed,
                         minutes=base['minutes'],
                         **evaluate(MAE_E1, base['checkpoint'], None,
                                    args.eval_images)))
        rows.append(dict(arm='MAE E1+E2 (base trained longer)', seed=seed,
                         minutes=base['minutes'] + more['minutes'],
                         **evaluate(MAE_MORE, more['checkpoint'], None,
                                    args.eval_images)))
        for name, config, tag in arms:
            run = train(config, osp.join(wd, tag), tec_opts, args.fresh)
            rows.append(dict(arm=f'{name} (E1 base + E2)', seed=seed,
                             minutes=base['minutes'] + run['minutes'],
                             **evaluate(config, run['checkpoint'],
                                        base['checkpoint'],
                                        args.eval_images)))
    return rows


def summarise(rows: List[dict]) -> List[dict]:
    """Mean and per-seed values of each arm, in first-seen order."""
    arms: Dict[str, List[dict]] = {}
    for row in rows:
        arms.setdefault(row['arm'], []).append(row)
    return [
        dict(arm=arm, seeds=[r['seed'] for r in runs],
             **{key: statistics.mean(r[key] for r in runs)
                for key in ('knn', 'linear', 'minutes')},
             **{f'{key}_all': [r[key] for r in runs]
                for key in ('knn', 'linear')})
        for arm, runs in arms.items()
    ]


def verdict(summary: List[dict]) -> str:
    """Whether TEC beat its base and the base trained longer, in words."""
    arms = {s['arm']: s for s in summary}
    tec = arms['TEC (E1 base + E2)']
    parts = []
    for name in ('MAE base (E1)', 'MAE E1+E2 (base trained longer)'):
        diff = {key: tec[key] - arms[name][key] for key in ('knn', 'linear')}
        word = ('beats' if min(diff.values()) > 0 else
                'does not beat' if max(diff.values()) < 0 else 'is mixed on')
        parts.append(f"TEC {word} {name}: {diff['knn']:+.2f} kNN, "
                     f"{diff['linear']:+.2f} linear (mean over seeds)")
    return '; '.join(parts) + '.'


def write_table(summary: List[dict], header: str, path: str) -> str:
    """The markdown table; returns its text."""
    def values(s: dict, key: str) -> str:
        both = ' / '.join(f'{v:.2f}' for v in s[f'{key}_all'])
        return f'{s[key]:.2f}' + (f' ({both})' if len(s['seeds']) > 1
                                  else '')

    lines = [header, '',
             '| arm | seeds | training wall-clock (min, with base) | '
             'kNN top-1 % mean (per seed) | linear top-1 % mean (per seed) |',
             '|---|---|---|---|---|']
    lines += [f"| {s['arm']} | {', '.join(map(str, s['seeds']))} | "
              f"{s['minutes']:.1f} | {values(s, 'knn')} | "
              f"{values(s, 'linear')} |" for s in summary]
    text = '\n'.join(lines + ['', verdict(summary)]) + '\n'
    with open(path, 'w') as f:
        f.write(text)
    return text


def plot(rows: List[dict], summary: List[dict], path: str) -> None:
    """Accuracy against training wall-clock, one panel per evaluation."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, key, title in zip(axes, ('knn', 'linear'),
                              ('kNN top-1 (k=20)', 'linear probe top-1')):
        for i, s in enumerate(summary):
            color = f'C{i}'
            runs = [r for r in rows if r['arm'] == s['arm']]
            ax.scatter([r['minutes'] for r in runs], [r[key] for r in runs],
                       color=color, alpha=0.4, s=18)
            ax.scatter([s['minutes']], [s[key]], color=color, s=70,
                       marker='D', label=s['arm'])
        ax.set_xlabel('training wall-clock, minutes on 2 CPU cores '
                      '(incl. the base)')
        ax.set_ylabel(f'{title}, % (Fashion-MNIST test)')
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc='lower right')
    fig.suptitle('TEC from an MAE base vs. training the base longer '
                 '(diamonds: mean; dots: seeds)')
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def describe(args: argparse.Namespace) -> str:
    """The sentence above the table: model, data, budget, evaluation."""
    budget = Config.fromfile(BUDGET)
    options = (f" (options: {' '.join(args.cfg_options)})"
               if args.cfg_options else '')
    subset = (f' (first {args.eval_images} of each)'
              if args.eval_images else '')
    return ('Fashion-MNIST, tiny ViT (6 blocks, width 96, 4 heads, 4x4 '
            'patches; 0.7 M parameters), pretrained on the first '
            f'{budget.pretrain_images} training images: E1 = '
            f'{budget.base_epochs}, E2 = {budget.more_epochs} epochs'
            f'{options}. Frozen features: kNN and linear probe fitted on '
            'the 60k training images, top-1 on the 10k test images'
            f'{subset}.')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir',
                        default=osp.join(ROOT, 'work_dirs/sustainability'))
    parser.add_argument('--results',
                        default=osp.join(ROOT, 'results/sustainability'))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--fresh', action='store_true',
                        help='retrain arms that are already done')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='KEY=VALUE options passed to every arm')
    parser.add_argument('--eval-images', type=int,
                        help='evaluate on the first N images of each split '
                        '(default: all, 60k and 10k; for quick checks)')
    args = parser.parse_args()
    start = time.time()
    rows = run_arms(args)
    summary = summarise(rows)
    header = describe(args)
    os.makedirs(args.results, exist_ok=True)
    text = write_table(summary, header, osp.join(args.results, 'results.md'))
    with open(osp.join(args.results, 'results.json'), 'w') as f:
        json.dump(dict(rows=rows, summary=summary), f, indent=1)
    plot(rows, summary, osp.join(args.results, 'accuracy_vs_cost.png'))
    print('\n' + text + f'\ntotal: {(time.time() - start) / 60:.1f} min; '
          f'written to {args.results}')


if __name__ == '__main__':
    main()
