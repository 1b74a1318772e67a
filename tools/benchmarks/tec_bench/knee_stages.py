"""The stages of the knee study (``tools/benchmarks/sustainability.py
--stages knee knee-sweep knee-recipe knee-arms knee-check``); each one
measures only what the results json does not hold yet."""
import contextlib
import functools
import glob
import json
import math
import os
import os.path as osp
import platform
import shutil
import statistics
import time
from typing import Dict, Iterator, List, Optional, Tuple

from .knee_report import write_knee_report
from .knee_study import (CHANGES, FROM_THE_BASE, KNEE_MODELS, TAUS,
                         KneeBenchmark, candidates, decay_epochs, find_knee,
                         partner, recipe, setting_tag)
from .runs import fine_tune, last_checkpoint, train_resumable
from .shared_work import share_out
from .sustainability_arms import Arm, model_config, schedule
from .target_entropy import base_target_entropy

KNEE_STAGES = ('knee-plan', 'knee', 'knee-sweep', 'knee-recipe', 'knee-arms',
               'knee-check', 'knee-report')


@contextlib.contextmanager
def timed(bench: KneeBenchmark, stage: str) -> Iterator[None]:
    """A stage's wall-clock in this call, added to the results'
    ``stage_minutes`` (also when it is stopped)."""
    start = time.time()
    try:
        yield
    finally:
        minutes = bench.results.setdefault('stage_minutes', {})
        minutes[stage] = minutes.get(stage, 0.) + (time.time() - start) / 60
        bench.save()


def iteration_seconds(work_dir: str) -> float:
    """Mean logged seconds of a training iteration of the run in
    ``work_dir`` (MMEngine's ``time``, which leaves out start-up and
    validation)."""
    (path, ) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        times = [r['time'] for r in map(json.loads, f) if 'loss' in r]
    return statistics.mean(times[1:] or times)


def stage_plan(bench: KneeBenchmark) -> Dict[str, float]:
    """One epoch's minutes of the study's runs, measured on one epoch of
    MAE and TEC on the study's images and 40 iterations of fine-tuning
    (scaled to epochs of 50k and 60k images; each the mean iteration but
    the first), and of the features of one kNN + linear evaluation.
    ``--cfg-options``, ``--finetune-options`` and ``--eval-images`` apply
    as in the study, before the timing's own settings."""
    if 'plan' in bench.results and not bench.args.fresh:
        return bench.results['plan']
    with timed(bench, 'knee-plan'):
        work = osp.join(bench.args.work_dir, 'plan')
        shutil.rmtree(work, ignore_errors=True)
        loader = model_config(bench.configs.wsd,
                              bench.args.cfg_options).train_dataloader
        per_epoch = math.ceil(loader.dataset.indices / loader.batch_size)
        batch = model_config(bench.configs.finetune_val,
                             bench.args.finetune_options
                             ).train_dataloader.batch_size
        one = ['train_cfg.max_epochs=1', 'default_hooks.logger.interval=1']
        train_resumable(bench.configs.wsd, osp.join(work, 'mae'),
                        [*bench.args.cfg_options, *one,
                         'param_scheduler.0.warmup=0.5'],
                        label='timing MAE')  # the warm-up within the run
        mae = last_checkpoint(osp.join(work, 'mae'))
        train_resumable(bench.configs.tec, osp.join(work, 'tec'), [
            *bench.args.cfg_options, *one, *schedule(1),
            f'model.target_generator.checkpoint={mae}'],
            label='timing TEC')
        fine_tune(bench.configs.finetune_val, mae,
                  osp.join(work, 'finetune'),
                  [*bench.args.finetune_options, *one, *recipe(1),
                   f'train_dataloader.dataset.indices={40 * batch}'],
                  label='timing fine-tuning')
        start = time.time()
        n = bench.args.eval_images
        bench.features(None, [('train', n), ('test', n)])
        probe = (time.time() - start) / 60
        per_iter = {name: iteration_seconds(osp.join(work, name)) / 60
                    for name in ('mae', 'tec', 'finetune')}
        bench.results['plan'] = dict(
            machine=f'{platform.node()}, {os.cpu_count()} cores, '
            f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}",
            mae=per_iter['mae'] * per_epoch, tec=per_iter['tec'] * per_epoch,
            finetune_50k=per_iter['finetune'] * math.ceil(50000 / batch),
            finetune_60k=per_iter['finetune'] * math.ceil(60000 / batch),
            probe=probe,
            load=os.getloadavg()[0])
        bench.save()
    return bench.results['plan']


def stage_knee(bench: KneeBenchmark, first: int, last: int, gain: float,
               longer: List[int]) -> Optional[int]:
    """The curve to its knee E1 (seed 0), then the points ``longer`` x E1
    ("MAE trained longer"), kNN and fine-tuning on the validation split."""
    with timed(bench, 'knee'):
        e1 = find_knee(bench, first, last, gain)
        if e1 is not None:
            for factor in longer:
                bench.curve_point(bench.point(factor * e1, 0),
                                  finetune=True)
    return e1


def sweep_arms(bench: KneeBenchmark, e1: int,
               changes: bool = True) -> Dict[str, tuple]:
    """The TEC settings tried, by name: each tau, then (with ``changes``)
    one change at a time from the best tau, when the taus are measured
    from this base."""
    e2 = e1 // 3
    settings = {f'tau={t}': (f'model.head.attention_loss.tau={t}',)
                for t in TAUS}
    sweep = bench.results['sweep']
    base = bench.point(e1, 0)
    if changes and all(sweep.get(name, {}).get('key') ==
                       bench.tec_arm(base, e2, tag=setting_tag(name)).key
                       for name in settings):
        best = max(settings, key=lambda n: sweep[n]['knn'])
        for change, options in CHANGES.items():
            settings[f'{best}, {change}'] = (
                *settings[best],
                *(options or schedule(e2, min(bench.warmup, e2 / 4) / 3)))
    return settings


def tec_setting(bench: KneeBenchmark, e1: int, name: str, epochs: int,
                seed: int = 0) -> Arm:
    """TEC from the E1 point of ``seed`` with the sweep's setting ``name``
    for ``epochs``."""
    return bench.tec_arm(bench.point(e1, seed), epochs,
                         sweep_arms(bench, e1)[name], tag=setting_tag(name))


def claims(bench: KneeBenchmark, stage: str) -> str:
    """The folder of the pid files by which drivers run side by side share
    the units of ``stage`` (:func:`~tec_bench.shared_work.share_out`)."""
    return osp.join(bench.args.work_dir, f'{stage}_claims')


def set_base(results: dict, base: int) -> None:
    """Make the point at ``base`` epochs the base of the stages after the
    knee; what was measured from an earlier base (sweep, choice, target
    entropy, fine-tuning length) moves to ``earlier[str(that base)]``, and
    comes back from there if the stages return to it."""
    earlier = results.get('base')
    if earlier == base:
        return
    if earlier is not None:
        results.setdefault('earlier', {})[str(earlier)] = {
            key: results.pop(key) for key in FROM_THE_BASE if key in results}
    results.update(sweep={}, chosen=None)
    results.update(results.get('earlier', {}).pop(str(base), {}), base=base)


def stage_sweep(bench: KneeBenchmark, e1: int, changes: bool = True) -> str:
    """TEC for E1/3 from the E1 base (seed 0; ``--knee-base``: another
    point of the curve) at each setting (``changes`` False: the taus only),
    scored by kNN on the validation split; the base's attention-target
    entropy. Drivers run side by side share the settings: each trains and
    scores a setting no other driver holds, waits while the others hold
    every one left, and takes up what they measured."""
    with timed(bench, 'knee-sweep'):
        set_base(bench.results, e1)
        base = bench.point(e1, 0)
        if bench.results.get('entropy_base') != base.key:
            bench.results['entropy'] = base_target_entropy(
                bench.configs.tec, bench.train(base)['checkpoint'],
                taus=TAUS)
            bench.results['entropy_base'] = base.key
        for _ in range(2):  # the taus, then the changes from the best
            arms = {name: tec_setting(bench, e1, name, e1 // 3)
                    for name in sweep_arms(bench, e1, changes)}
            share_out(claims(bench, 'sweep'), bench.save,
                      {arm.key: functools.partial(bench.validate, name, arm)
                       for name, arm in arms.items()})
        sweep = bench.results['sweep']
        bench.results['chosen'] = max(sweep_arms(bench, e1, changes),
                                      key=lambda n: sweep[n]['knn'])
        bench.save()
    return bench.results['chosen']


def recipe_arms(bench: KneeBenchmark, e1: int, seed: int = 0) -> List[Arm]:
    """The arms whose ranking settles the fine-tuning length: the base, MAE
    E1 + E1/3 and TEC E1/3 with the chosen setting."""
    return [bench.point(e1, seed), bench.point(partner(e1), seed),
            tec_setting(bench, e1, bench.results['chosen'], e1 // 3, seed)]


def ranking(values: List[float]) -> Tuple[int, ...]:
    """Indices of ``values`` from the highest to the lowest."""
    return tuple(sorted(range(len(values)), key=lambda i: -values[i]))


def stage_recipe(bench: KneeBenchmark, e1: int, longest: int) -> int:
    """The fine-tuning length: the shortest L whose ranking of the recipe
    arms (validation top-1 after the L-epoch recipe) is the ranking after
    the (L+1)-epoch recipe (``longest`` when none up to it is). Drivers
    run side by side share each length's fine-tunings."""
    with timed(bench, 'knee-recipe'):
        arms = recipe_arms(bench, e1)
        top: Dict[int, List[float]] = {}
        chosen = None
        for epochs in range(2, longest + 1):
            names = [f'{arm.key}_{epochs}ep' for arm in arms]
            tops = share_out(claims(bench, 'recipe'), bench.save, {
                name: functools.partial(bench.validation_finetune, arm,
                                        epochs)
                for name, arm in zip(names, arms)})
            top[epochs] = [tops[name][-1] for name in names]
            if epochs > 2 and \
                    ranking(top[epochs - 1]) == ranking(top[epochs]):
                chosen = epochs - 1
                break
        bench.results['finetune_epochs'] = chosen or longest
        bench.results['finetune_settled'] = chosen is not None
        bench.save()
    return bench.results['finetune_epochs']


def stage_arms(bench: KneeBenchmark, e1: int, longer: List[int],
               only: List[str]) -> None:
    """The arms on the test split with the chosen fine-tuning length: seeds
    0 and 1: base, MAE E1 + E1/3, TEC E1/3; seed 0: MAE ``longer`` x E1
    and TEC for E1. Drivers run side by side share the arms."""
    with timed(bench, 'knee-arms'):
        options = recipe(bench.results['finetune_epochs'])
        chosen = bench.results['chosen']
        arms = [*recipe_arms(bench, e1, 0),
                *(bench.point(f * e1, 0) for f in longer),
                tec_setting(bench, e1, chosen, e1), *recipe_arms(bench, e1, 1)]
        share_out(claims(bench, 'arms'), bench.save, {
            arm.key: functools.partial(bench.measure, arm, arm.key,
                                       arm.label, options)
            for arm in arms if not only or arm.key in only})


def stage_check(bench: KneeBenchmark) -> dict:
    """The schedule against a cosine run: the 12-epoch point of a stable
    run on the benchmark's 30k images (1 warm-up epoch), fine-tuned with
    the benchmark's 2-epoch recipe on the test split, as the cosine MAE 12
    ep of the sustainability benchmark was (the tiny ViT's)."""
    if bench.results['model'] != KNEE_MODELS[0]:
        raise SystemExit(f'error: knee-check compares the {KNEE_MODELS[0]} '
                         'WSD run with its cosine run; there is none of '
                         f"{bench.results['model']}")
    with timed(bench, 'knee-check'):
        point = bench.point(12, 0, tag='-30k', options=(
            'train_dataloader.dataset.indices=30000',
            'param_scheduler.0.warmup=1'))
        return bench.measure(point, point.key,
                             'MAE 12 ep (WSD, 30k images)')


def first_candidate(warmup: float) -> int:
    """The first knee candidate whose decay branch begins after a warm-up
    of ``warmup`` epochs."""
    return next(e for e in candidates(1, 10**6)
                if e - decay_epochs(e) >= warmup)


def run_knee(args) -> str:
    """Run the knee stages of ``args.stages``: plan, knee, sweep, recipe,
    arms, check; each stage after the knee needs the ones before it to have
    run (now or earlier). The stages after the knee start from the knee
    E1, or from the point ``args.knee_base`` where it is given.

    Returns:
        str: The report (``results.md``), rewritten from the json.
    """
    bench = KneeBenchmark(args)
    stages = args.stages
    first = args.knee_epochs[0]
    if 'knee' in stages and bench.warmup > first - decay_epochs(first):
        raise SystemExit(
            f'error: the warm-up of {bench.warmup:g} epochs on '
            f'--knee-images {bench.images} ends after the decay of the first '
            f'candidate, {first} epochs, begins: give --knee-epochs from at '
            f'least {first_candidate(bench.warmup)}')
    base = getattr(args, 'knee_base', None)
    if base is not None and bench.warmup > base - decay_epochs(base):
        raise SystemExit(
            f'error: --knee-base {base}: the point decays before the warm-up '
            f'of {bench.warmup:g} epochs on --knee-images {bench.images} '
            f'ends; give at least {first_candidate(bench.warmup)}')
    if 'knee-plan' in stages:
        stage_plan(bench)
    e1 = stage_knee(bench, *args.knee_epochs, args.knee_gain, args.longer) \
        if 'knee' in stages else bench.results.get('e1')
    base = base or e1
    if base is not None:
        if {'knee-sweep', 'knee-recipe', 'knee-arms'} & set(stages):
            bench.measuring_from = base
        if 'knee-sweep' in stages:
            stage_sweep(bench, base, not getattr(args, 'taus_only', False))
        if {'knee-recipe', 'knee-arms'} & set(stages) and (
                bench.results.get('base') != base or
                not bench.results.get('chosen')):
            raise SystemExit(
                f'error: no TEC setting is chosen from the base at {base} '
                'epochs: run stage knee-sweep from it first')
        if 'knee-recipe' in stages:
            stage_recipe(bench, base, args.longest_finetune)
        if 'knee-arms' in stages:
            if bench.results.get('finetune_epochs') is None:
                raise SystemExit(
                    'error: no fine-tuning length is chosen from the base at '
                    f'{base} epochs: run stage knee-recipe from it first')
            stage_arms(bench, base, args.longer, args.arms)
    if 'knee-check' in stages:
        stage_check(bench)
    return write_knee_report(bench.results, args.results)
