"""Time to accuracy of the efficient-training parts on the sustainability
benchmark (CPU, hours; it runs in parts).

For MAE (E1 epochs from scratch) and TEC (E1/3 epochs from the E1-epoch MAE
base, with the setting the sustainability sweep chose), the standard
schedule and each part of ``configs/sustainability/time_to_accuracy/`` are
trained with a checkpoint every epoch. Every checkpoint gets the
benchmark's kNN top-1 (frozen features, the 60k training images as the
bank, the 10k test images as queries); the last one is also fine-tuned
with the benchmark's recipe. A part's time to accuracy is the training
wall-clock (the process's, up to that epoch's checkpoint) of its first
epoch within ``TOLERANCE`` of the standard run's final kNN top-1; its
speed-up, the standard run's wall-clock over that. E1 and the TEC setting
come from ``results/sustainability/results.json`` (the budget's E1 and the
config's setting without it). Each measured run is written to
``results/time_to_accuracy/results.json`` at once and not measured again;
``results.md`` is rewritten from it.

Usage:
    python tools/benchmarks/time_to_accuracy.py [--methods mae tec]
        [--strategies NAME ...] [--work-dir DIR] [--results DIR]
        [--sustainability DIR] [--cfg-options K=V ...]
        [--finetune-options K=V ...] [--eval-images N] [--fresh]
"""
import argparse
import glob
import json
import os.path as osp
import re
from typing import List, Optional, Tuple

from tec_bench import exported_encoder, fashion_mnist_features, fine_tune
from tec_bench.sustainability_arms import (BUDGET, DATA_ROOT, FINETUNE, MAE,
                                           ROOT, SWEEP, TEC, Arm, Benchmark,
                                           mae, model_config)
from tec_mm.engine import run_main
from tec_mm.evaluation import knn_predict, top1

CONFIGS = osp.join(ROOT, 'configs/sustainability/time_to_accuracy')
STRATEGIES = {  # name: (config suffix, own lr schedule, methods)
    'standard': ('', False, ('mae', 'tec')),
    'cyclic lr': ('_cyclic-lr', True, ('mae', 'tec')),
    'progressive': ('_progressive', False, ('mae', 'tec')),
    'hard masks': ('_hard-masks', False, ('tec', )),
    '2 masks': ('_2-masks', False, ('tec', )),
    'all': ('_efficient', True, ('mae', 'tec')),
}
TOLERANCE = 0.3  # kNN points below the standard's final that count
EVERY_EPOCH = 'default_hooks.checkpoint.max_keep_ckpts=-1'


def strategy_arm(method: str, name: str, e1: int,
                 setting: Tuple[str, ...]) -> Arm:
    """The run of ``method`` with strategy ``name``."""
    suffix, own_schedule, _ = STRATEGIES[name]
    standard = MAE if method == 'mae' else TEC
    config = osp.join(CONFIGS, osp.basename(standard)[:-3] + suffix +
                      '.py') if suffix else standard
    slug = re.sub('[^a-z0-9]+', '-', name)
    if method == 'mae':
        return Arm(f'tta_mae-{slug}_s0', f'MAE {e1} ep, {name}', config, e1,
                   0, options=(EVERY_EPOCH, ), own_schedule=own_schedule)
    base = mae(e1, 0)
    return Arm(f'tta_tec-{slug}_{base.key}+{e1 // 3}',
               f'TEC ({e1} + {e1 // 3} ep), {name}', config, e1 // 3, 0,
               base, (*setting, EVERY_EPOCH), own_schedule=own_schedule)


def epoch_number(path: str) -> int:
    return int(re.search(r'epoch_(\d+)\.pth$', path).group(1))


def measure(bench: Benchmark, arm: Arm) -> dict:
    """kNN top-1 and wall-clock after every epoch of ``arm``, and the
    fine-tuning top-1 of its last epoch (cached in the results)."""
    if arm.key in bench.results['arms'] and not bench.args.fresh:
        return bench.results['arms'][arm.key]
    record = bench.train(arm)
    work_dir = osp.dirname(record['checkpoint'])
    checkpoints = sorted(glob.glob(osp.join(work_dir, 'epoch_*.pth')),
                         key=epoch_number)
    end = osp.getmtime(checkpoints[-1])
    cfg = model_config(arm.config, bench.options(arm)[0])
    n, curve = bench.args.eval_images, []
    for path in checkpoints:
        model = exported_encoder(cfg, path)
        (tr_x, tr_y), (te_x, te_y) = [
            fashion_mnist_features(model, DATA_ROOT, split, n)
            for split in ('train', 'test')
        ]
        curve.append(dict(
            epoch=epoch_number(path),
            minutes=record['minutes'] - (end - osp.getmtime(path)) / 60,
            knn=top1(knn_predict(tr_x, tr_y, te_x, 10), te_y)))
    finetune = fine_tune(FINETUNE, checkpoints[-1],
                         osp.join(work_dir, 'finetune'),
                         bench.args.finetune_options,
                         label=f'fine-tuning {arm.key}')
    bench.results['arms'][arm.key] = dict(
        label=arm.label, curve=curve, finetune=finetune[-1],
        minutes=record['minutes'], flops=record['flops'])
    bench.save()
    return bench.results['arms'][arm.key]


def time_to(curve: List[dict], target: float) -> Optional[float]:
    """Minutes to the first epoch with kNN >= ``target`` (None: never)."""
    return next((p['minutes'] for p in curve if p['knn'] >= target), None)


def report(results: dict) -> str:
    """The time-to-accuracy table of each method, as markdown."""
    lines = ['Training wall-clock to reach the standard schedule\'s final '
             f'kNN top-1 less {TOLERANCE} point (`python '
             'tools/benchmarks/time_to_accuracy.py`).', '']
    for method, keys in results['rows'].items():
        rows = {name: results['arms'][key] for name, key in keys.items()}
        standard = rows['standard']
        target = standard['curve'][-1]['knn'] - TOLERANCE
        lines += [f'### {method.upper()} (target kNN {target:.2f} %)', '',
                  '| strategy | wall-clock min | final kNN % | '
                  'fine-tuning % | min to target | speed-up |',
                  '|---|---|---|---|---|---|']
        for name, record in rows.items():
            reached = time_to(record['curve'], target)
            lines.append(
                f'| {name} | {record["minutes"]:.1f} | '
                f'{record["curve"][-1]["knn"]:.2f} | '
                f'{record["finetune"]:.2f} | '
                + (f'{reached:.1f} | {standard["minutes"] / reached:.2f}x |'
                   if reached else '- | not reached |'))
        lines.append('')
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--methods', nargs='+', default=['mae', 'tec'],
                        choices=['mae', 'tec'])
    parser.add_argument('--strategies', nargs='+', default=list(STRATEGIES),
                        choices=list(STRATEGIES))
    parser.add_argument('--work-dir',
                        default=osp.join(ROOT, 'work_dirs/sustainability'),
                        help='shared with the sustainability benchmark, '
                        'whose MAE base TEC uses')
    parser.add_argument('--results',
                        default=osp.join(ROOT, 'results/time_to_accuracy'))
    parser.add_argument('--sustainability',
                        default=osp.join(ROOT, 'results/sustainability'),
                        help='results of the sustainability benchmark: E1 '
                        'and the chosen TEC setting')
    parser.add_argument('--fresh', action='store_true')
    parser.add_argument('--cfg-options', nargs='+', default=[])
    parser.add_argument('--finetune-options', nargs='+', default=[])
    parser.add_argument('--eval-images', type=int)
    args = parser.parse_args()
    found = osp.join(args.sustainability, 'results.json')
    sustainability = {}
    if osp.exists(found):
        with open(found) as f:
            sustainability = json.load(f)
    e1 = sustainability.get('e1', BUDGET.base_epochs)
    setting = tuple(SWEEP.get(sustainability.get('chosen'), ()))
    bench = Benchmark(args)
    rows = bench.results.setdefault('rows', {})
    for method in args.methods:
        for name in ['standard'] + [n for n in args.strategies
                                    if n != 'standard']:
            if method in STRATEGIES[name][2]:
                arm = strategy_arm(method, name, e1, setting)
                measure(bench, arm)
                rows.setdefault(method, {})[name] = arm.key
                bench.save()
    text = report(bench.results)
    with open(osp.join(args.results, 'results.md'), 'w') as f:
        f.write(text)
    print('\n' + text)


if __name__ == '__main__':
    run_main(main)
