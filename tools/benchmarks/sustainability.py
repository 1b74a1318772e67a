"""The sustainability benchmark: TEC from a converged MAE base against
training the base longer, measured by fine-tuning (CPU, hours; it runs in
parts).

Stages (``--stages``; each finished arm's numbers go to ``results.json``
at once, so a later run, on this machine or a fresh one, measures only
what is missing):

``curve``
    MMPretrain MAE from scratch for each of the budget's ``curve_epochs``
    (seed 0), each continued by E/3 epochs, up to E1: the smallest E whose
    E/3 more epochs gain less than ``knee_gain`` fine-tuning top-1.
``sweep``
    TEC settings from the E1 base (seed 0), scored by kNN top-1 on a
    validation split of the training images (bank: images 0-49999,
    queries: 50000-59999), never on the test split.
``arms``
    Seeds 0 and 1: MAE base (E1), MAE continued to E1 + E1/3, TEC for E1/3
    from the base; seed 0: MAE continued to 2 E1, the three ablations, our
    extension (TEC starting from the base's weights) and TEC for E1 epochs
    (as long as the base).
``chain``
    Seed 0: a sustainable chain, TEC generations 1-3 of E1/3 epochs each,
    each with the last generation as its base, and MAE continued from the
    base for at least the training FLOPs of the whole chain.

Every encoder is fine-tuned end to end on all 60k training images with
one recipe (``configs/sustainability/vit-tiny-p4_fmnist-60k_finetune.py``,
top-1 on the 10k test images after each epoch) and probed frozen (kNN and
linear probe on average-pooled last-block tokens). Costs add the base's:
wall-clock of the training processes and training FLOPs (one counted step
times the images seen). Checkpoints that are gone are trained again
(seeded, deterministic on the CPU). ``results.md`` and
``accuracy_vs_cost.png`` (the curve and accuracy against cost) are
rewritten from the json at the end; ``--stages report`` does only that.

Usage:
    python tools/benchmarks/sustainability.py
        [--stages {curve,sweep,arms,chain,report} ...] [--arms KEY ...]
        [--curve-epochs E ...] [--work-dir DIR] [--results DIR] [--fresh]
        [--cfg-options K=V ...] [--finetune-options K=V ...]
        [--eval-images N]
        [--knee-model M] [--knee-images N] [--knee-epochs FIRST LAST] ...
        (the knee-* stages: tec_bench.knee_stages)
"""
import argparse
import math
import os.path as osp
import re
import time
from typing import List

from tec_bench import base_target_entropy
from tec_bench.knee_stages import KNEE_STAGES, run_knee
from tec_bench.knee_study import IMAGES, KNEE_MODELS
from tec_bench.sustainability_arms import (BUDGET, ROOT, SWEEP, TEC, VARIANTS,
                                           Benchmark, chain, mae, mae_more,
                                           schedule, tec)
from tec_bench.sustainability_report import write_report
from tec_mm.engine import run_main

WARMUP_EPOCHS = (0.25, 2)  # tried with the chosen setting, after the choice


def stage_curve(bench: Benchmark, curve: List[int]) -> int:
    """MAE learning curve at ``curve`` epochs, up to the knee; returns E1,
    the first E whose E/3 more epochs gain less than the budget's
    ``knee_gain`` (the last E when none does)."""
    for knee in curve:
        base, more = mae(knee, 0), mae_more(mae(knee, 0), knee // 3)
        top = [bench.measure(a, a.key, a.label)['finetune'][-1]
               for a in (base, more)]
        if top[1] - top[0] < BUDGET.knee_gain:
            break
    bench.results['e1'] = knee
    bench.save()
    return knee


def stage_sweep(bench: Benchmark, e1: int) -> None:
    """TEC settings scored on the validation split, then warm-up lengths
    with the chosen one, and the target's entropy at each tau and K."""
    base, e2 = mae(e1, 0), e1 // 3
    if bench.results.get('entropy_base') != base.key or bench.args.fresh:
        bench.results['entropy'] = base_target_entropy(
            TEC, bench.train(base)['checkpoint'])
        bench.results['entropy_base'] = base.key
        bench.save()
    for name, options in SWEEP.items():
        tag = '_' + re.sub('[^a-z0-9.]+', '-', name.lower()).strip('-')
        bench.validate(name, tec(base, e2, options=options, tag=tag))
    bench.validate('MAE base', base)
    bench.validate('MAE continued', mae_more(base, e2))
    sweep = bench.results['sweep']
    chosen = bench.results['chosen'] = max(SWEEP,
                                           key=lambda n: sweep[n]['knn'])
    bench.save()
    for warmup in (w for w in WARMUP_EPOCHS if w < e2):
        bench.validate(f'{chosen}, warm-up {warmup} ep',
                       tec(base, e2, options=(*SWEEP[chosen],
                                              *schedule(e2, warmup)),
                           tag=f'_warm-up-{warmup}-ep'))


def chosen_options(bench: Benchmark) -> tuple:
    """The options of the setting the sweep chose (none before it ran)."""
    return tuple(SWEEP.get(bench.results.get('chosen'), ()))


def without_attention(options: tuple) -> tuple:
    """``options`` less those of the attention loss (for the ablation that
    has none)."""
    return tuple(o for o in options if 'attention_loss' not in o)


def stage_arms(bench: Benchmark, e1: int, only: List[str]) -> None:
    """The arms at E1 (those of ``only`` when given); TEC arms take the
    setting the sweep chose, when it ran."""
    e2 = e1 // 3
    chosen = chosen_options(bench)
    if not only or 'random' in only:
        bench.measure(None, 'random', 'random init (no pretraining)')
    for seed in (0, 1):
        base = mae(e1, seed)
        arms = [base, mae_more(base, e2), tec(base, e2, options=chosen)]
        if seed == 0:
            arms += [mae_more(base, e1)]
            arms += [tec(base, e2, v, without_attention(chosen)
                         if 'attention' in v else chosen)
                     for v in VARIANTS if v != 'TEC']
            arms += [tec(base, e1, options=chosen)]  # TEC longer: E2 = E1
            stronger = mae_more(base, e1)  # a 2 E1 base, and E2 more
            arms += [tec(stronger, e2, options=chosen), mae_more(stronger, e2)]
        for arm in arms:
            if not only or arm.key in only:
                bench.measure(arm, arm.key, arm.label)


def stage_chain(bench: Benchmark, e1: int, generations: int = 3) -> None:
    """TEC generations from the E1 base (seed 0), and MAE continued from
    the base for the chain's training FLOPs (rounded up to an epoch)."""
    base = mae(e1, 0)
    chosen = chosen_options(bench)
    arms = chain(base, e1 // 3, generations, chosen)
    for arm in arms:
        bench.measure(arm, arm.key, arm.label)
    per_epoch = bench.cost(base)['flops'] / e1
    extra = bench.cost(arms[-1])['flops'] - bench.cost(base)['flops']
    longer = mae_more(base, math.ceil(extra / per_epoch))
    bench.measure(longer, longer.key, longer.label)
    bench.results['chain'] = [base.key, *(a.key for a in arms), longer.key]
    bench.save()


def pretraining_images(text: str) -> int:
    """``--knee-images``: a count of the training images before the
    validation split (1-50000)."""
    images = int(text)
    if not 1 <= images <= 50000:
        raise argparse.ArgumentTypeError(
            f'{images}: the first 1-50000 training images (50000-59999 are '
            'the validation split)')
    return images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--stages', nargs='+',
                        default=['curve', 'sweep', 'arms', 'chain'],
                        choices=['curve', 'sweep', 'arms', 'chain',
                                 'report', *KNEE_STAGES],
                        help='report alone rewrites the tables and plot '
                        'from results.json; the knee-* stages are the knee '
                        'study (results/sustainability_knee)')
    parser.add_argument('--arms', nargs='+', default=[],
                        help='measure only these arms of stage arms (keys '
                        'of results.json, e.g. tec_mae6_s0+2)')
    parser.add_argument('--curve-epochs', type=int, nargs='+',
                        default=BUDGET.curve_epochs,
                        help='MAE epochs of the curve (default: the budget)')
    parser.add_argument('--knee-epochs', type=int, nargs=2,
                        default=[12, 576], metavar=('FIRST', 'LAST'),
                        help='knee candidates searched (default: 12 576)')
    parser.add_argument('--knee-gain', type=float, default=0.5,
                        help='the knee: E/3 more epochs gain less than this '
                        'in kNN and fine-tuning top-1 (default: 0.5)')
    parser.add_argument('--curve-finetune', type=int, default=2,
                        help="epochs of the knee rule's fine-tuning "
                        '(validation split; default: 2)')
    parser.add_argument('--longest-finetune', type=int, default=8,
                        help='the longest fine-tuning recipe tried by stage '
                        'knee-recipe (default: 8 epochs)')
    parser.add_argument('--knee-base', type=int, metavar='E',
                        help='stages knee-sweep, knee-recipe and knee-arms '
                        "from the curve's point at E epochs instead of the "
                        'knee E1: TEC asked from a base the rule has not '
                        'reached (e.g. where only kNN stopped gaining); the '
                        'report says so (default: E1)')
    parser.add_argument('--taus-only', action='store_true',
                        help='stage knee-sweep tries the taus only, with '
                        "the configs' K, lr and warm-up (a sweep at a third "
                        'of the cost)')
    parser.add_argument('--longer', type=int, nargs='+', default=[2],
                        help='"MAE trained longer" at these multiples of E1 '
                        '(default: 2)')
    parser.add_argument('--knee-model', default=KNEE_MODELS[0],
                        choices=KNEE_MODELS,
                        help='the encoder of the knee study (default: '
                        f'{KNEE_MODELS[0]}; {KNEE_MODELS[1]}: the smaller '
                        'problem)')
    parser.add_argument('--knee-images', type=pretraining_images,
                        default=IMAGES,
                        help='pretraining images of the knee study: the '
                        'first N training images, 1-50000 (the validation '
                        f'split begins at 50000; default: {IMAGES}); the '
                        "MAE's warm-up keeps its iterations, and follows "
                        'this over --cfg-options')
    parser.add_argument('--work-dir',
                        help='default: work_dirs/ and the name of '
                        '--results')
    parser.add_argument('--results',
                        help='default: results/sustainability[_knee] '
                        '(_knee_MODEL for another --knee-model, then '
                        '_N-images for another --knee-images)')
    parser.add_argument('--fresh', action='store_true',
                        help='retrain and remeasure what is already done')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='KEY=VALUE options of every pretraining run')
    parser.add_argument('--finetune-options', nargs='+', default=[],
                        help='KEY=VALUE options of every fine-tuning run')
    parser.add_argument('--eval-images', type=int,
                        help='frozen evaluation on the first N images of '
                        'each split (default: all; for quick checks)')
    args = parser.parse_args()
    start = time.time()
    knee = [s for s in args.stages if s in KNEE_STAGES]
    name = 'sustainability_knee' if knee else 'sustainability'
    if knee and args.knee_model != KNEE_MODELS[0]:
        name += '_' + args.knee_model
    if knee and args.knee_images != IMAGES:
        name += f'_{args.knee_images}-images'
    args.work_dir = args.work_dir or osp.join(ROOT, 'work_dirs', name)
    args.results = args.results or osp.join(ROOT, 'results', name)
    if knee:
        text = run_knee(args)
        print('\n' + text + f'\ntotal: {(time.time() - start) / 60:.1f} '
              f'min; written to {args.results}')
        return
    bench = Benchmark(args)
    e1 = stage_curve(bench, args.curve_epochs) if 'curve' in args.stages else \
        bench.results.get('e1', BUDGET.base_epochs)
    if 'sweep' in args.stages:
        stage_sweep(bench, e1)
    if 'arms' in args.stages:
        stage_arms(bench, e1, args.arms)
    if 'chain' in args.stages:
        stage_chain(bench, e1)
    text = write_report(bench.results, BUDGET, args.results)
    print('\n' + text + f'\ntotal: {(time.time() - start) / 60:.1f} min; '
          f'written to {args.results}')


if __name__ == '__main__':
    run_main(main)
