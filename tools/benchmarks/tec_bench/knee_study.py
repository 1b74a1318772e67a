"""The knee study of the sustainability benchmark: MAE's learning curve
from one warm-up-stable-decay run, its knee, and TEC from the base at the
knee against MAE trained longer (``tools/benchmarks/sustainability.py
--stages knee ...``).

A curve point at E epochs is a decay branch (:class:`WarmupStableDecayLR`)
resumed off the stable run's checkpoint at ``E - decay_epochs(E)``, so one
long run gives every point, and the points of a longer curve are added
later by extending the stable run. Every training run resumes from its
last checkpoint after a kill; every number goes to the results json as
soon as it is measured.
"""
import argparse
import copy
import json
import os.path as osp
import re
import time
from typing import List, NamedTuple, Optional, Sequence

from .runs import (ROOT, WAIT_SECONDS, claim, epoch_minutes, fine_tune,
                   last_checkpoint, release, train_resumable)
from .sustainability_arms import Arm, Benchmark, model_config, schedule
from .training_flops import training_flops_per_image

CONFIGS = osp.join(ROOT, 'configs/sustainability')
# The encoders the study runs on (``--knee-model``): the tiny ViT of the
# sustainability benchmark, and the mini ViT of a smaller problem.
KNEE_MODELS = ('vit-tiny-p4', 'vit-mini-p4')
KNEE_GAIN = 0.5  # E/3 more epochs gain less: fine-tuning and kNN top-1
# Pretraining images of the study's configs (``--knee-images`` picks fewer)
# and their warm-up epochs (3: 120 iterations at batch 256; another size
# keeps about as many iterations).
IMAGES = 10000
WARMUP_EPOCHS = 3
# The TEC settings tried from the knee base, scored by kNN on the
# validation split: tau first, then one change at a time from the best tau.
TAUS = (1.0, 0.5, 0.2)
CHANGES = {
    'K=8': ['model.target_generator.top_k=8'],
    'lr x2': ['optim_wrapper.optimizer.lr=3e-3'],
    'short warm-up': None,  # a third of the TEC arm's: filled by the sweep
}
# What the stages after the knee measure from their base: kept by base when
# they start from another one (``knee_stages.set_base``)
FROM_THE_BASE = ('sweep', 'chosen', 'entropy', 'entropy_base',
                 'finetune_epochs', 'finetune_settled')


def setting_tag(name: str) -> str:
    """The part of an arm's key that names a sweep setting."""
    return '_' + re.sub('[^a-z0-9.]+', '-', name.lower()).strip('-')


def decay_epochs(epochs: int) -> int:
    """Epochs of the decay branch of the point at ``epochs``: about a
    tenth, at least one."""
    return max(1, round(epochs / 10))


def candidates(first: int, last: int) -> List[int]:
    """Knee candidates from ``first`` to ``last``: 3 * 2^a and 9 * 2^a
    (12, 18, 24, 36, 48, ...), each with its partner 4E/3 an integer."""
    grid = {m * 2**a for m in (3, 9) for a in range(16)}
    return sorted(e for e in grid if first <= e <= last)


def partner(epochs: int) -> int:
    """The point E/3 epochs further."""
    return epochs * 4 // 3


class KneeConfigs(NamedTuple):
    """The study's configs for one encoder of :data:`KNEE_MODELS`: the WSD
    MAE, TEC on the 10k images (or ``--knee-images``), fine-tuning on the
    validation split and on the test split."""
    wsd: str
    tec: str
    finetune_val: str
    finetune: str


def knee_configs(model: str) -> KneeConfigs:
    """The :class:`KneeConfigs` of ``model`` (e.g. ``'vit-mini-p4'``)."""
    if model not in KNEE_MODELS:
        raise ValueError(f'knee model {model!r}: one of {KNEE_MODELS}')
    return KneeConfigs(*(osp.join(CONFIGS, name.format(model)) for name in (
        'mae_{}_fmnist-10k_wsd.py', 'tec_{}_fmnist-10k.py',
        '{}_fmnist-50k_finetune-val.py', '{}_fmnist-60k_finetune.py')))


class Point(Arm):
    """MAE at ``epochs`` of the curve of ``seed``: the stable checkpoint at
    ``epochs - decay_epochs(epochs)`` of ``config`` and its decay branch."""

    def __init__(self, epochs: int, seed: int, config: str, tag: str = '',
                 options: Sequence[str] = ()) -> None:
        super().__init__(f'mae{epochs}wsd{tag}_s{seed}',
                         f'MAE {epochs} ep', config, epochs, seed,
                         options=tuple(options), own_schedule=True)
        self.stable_epochs = epochs - decay_epochs(epochs)
        self.family = f'mae_wsd{tag}_s{seed}'


class KneeBenchmark(Benchmark):
    """The :class:`Benchmark` whose MAE arms are points of one stable run.

    Args:
        args: The benchmark's arguments (``work_dir``, ``results``,
            ``cfg_options``, ``finetune_options``, ``eval_images``,
            ``fresh``, ``knee_model``, ``knee_images``).
    """

    def __init__(self, args) -> None:
        super().__init__(args)
        measured = self.results.get('model', KNEE_MODELS[0])
        if osp.exists(self.json) and measured != args.knee_model:
            raise SystemExit(
                f'error: {self.json} holds the knee study of {measured}, '
                f'not of --knee-model {args.knee_model}')
        self.configs = knee_configs(args.knee_model)
        self.finetune_config = self.configs.finetune
        self.encoder_config = self.configs.wsd
        self.images = getattr(args, 'knee_images', IMAGES)
        measured = self.results.get('images', IMAGES)
        if osp.exists(self.json) and measured != self.images:
            raise SystemExit(
                f'error: {self.json} holds the knee study on {measured} '
                f'pretraining images, not on --knee-images {self.images}')
        self.curve_finetune = getattr(args, 'curve_finetune', 2)
        # the base of the stages after the knee that this process runs
        self.measuring_from: Optional[int] = None
        self.stop = ''
        self.results.update(model=args.knee_model, images=self.images)
        # every pretraining run on the study's images (``--cfg-options``
        # coming after them still win)
        self.args = argparse.Namespace(**dict(vars(args), cfg_options=[
            f'train_dataloader.dataset.indices={self.images}',
            *getattr(args, 'cfg_options', [])]))

    @property
    def warmup(self) -> float:
        """Warm-up epochs of the pretraining runs: the 10k configs'
        iterations at the study's images per epoch."""
        return WARMUP_EPOCHS * IMAGES / self.images

    def point(self, epochs: int, seed: int, tag: str = '',
              options: Sequence[str] = ()) -> Point:
        """The curve's :class:`Point` at ``epochs`` of ``seed``."""
        return Point(epochs, seed, self.configs.wsd, tag,
                     (f'param_scheduler.0.warmup={self.warmup:g}', *options))

    def tec_arm(self, base: Point, epochs: int, options: Sequence[str] = (),
                tag: str = '') -> Arm:
        """TEC for ``epochs`` on the study's images from ``base``, with
        the MAE's warm-up (or a quarter of the run)."""
        return Arm(f'tec{tag}_{base.key}+{epochs}',
                   f'TEC ({base.epochs} ep base + {epochs} ep)',
                   self.configs.tec, epochs, base.seed, base,
                   (*schedule(epochs, min(self.warmup, epochs / 4)),
                    *options))

    def stable(self, point: Point) -> str:
        """The stable run's checkpoint at ``point.stable_epochs``, training
        (or waiting for a stable run already going) until it is there.

        Raises:
            SystemExit: The run went past that epoch without keeping its
                checkpoint.
        """
        work_dir = osp.join(self.args.work_dir, point.family, 'stable')
        path = osp.join(work_dir, f'epoch_{point.stable_epochs}.pth')
        pid_file = osp.join(self.args.work_dir, point.family, 'stable.pid')
        while not osp.exists(path):
            if not claim(pid_file):
                time.sleep(WAIT_SECONDS)
                continue
            try:
                train_resumable(
                    self.configs.wsd, work_dir,
                    [*self.args.cfg_options, *point.options,
                     f'randomness.seed={point.seed}',
                     f'train_cfg.max_epochs={point.stable_epochs}'],
                    label=f'stable run to {point.stable_epochs} ep')
            finally:
                release(pid_file)
            if not osp.exists(path):
                raise SystemExit(
                    f'error: {work_dir} has no epoch_{point.stable_epochs}'
                    '.pth, though its run went past it (a checkpoint '
                    f'removed, or not kept each epoch): the {point.epochs}'
                    '-epoch point branches off it; train the stable run '
                    'again in a new work dir')
        return path

    def train(self, arm: Arm) -> dict:
        """Train ``arm``; a :class:`Point` by its decay branch.

        Returns:
            dict: ``checkpoint``, ``minutes`` (a point's: the stable run's
            median epoch times its epochs, plus the branch) and ``flops``.
        """
        if not isinstance(arm, Point):
            return super().train(arm)
        record = self.recorded(arm)
        if record is not None:
            return record
        work_dir = osp.join(self.args.work_dir, arm.key)
        stable = self.stable(arm)
        options = [*self.args.cfg_options, *arm.options,
                   f'randomness.seed={arm.seed}',
                   f'param_scheduler.0.decay_begin={arm.stable_epochs}',
                   f'train_cfg.max_epochs={arm.epochs}',
                   'default_hooks.checkpoint.max_keep_ckpts=1']
        branch = train_resumable(arm.config, work_dir, options,
                                 start_from=stable,
                                 label=f'decay branch {arm.key}')
        cfg = model_config(arm.config, options)
        record = dict(
            checkpoint=last_checkpoint(work_dir), branch_minutes=branch,
            minutes=branch + arm.stable_epochs * epoch_minutes(
                osp.dirname(stable)),
            flops=training_flops_per_image(cfg) *
            cfg.train_dataloader.dataset.indices * arm.epochs)
        with open(osp.join(work_dir, 'done.json'), 'w') as f:
            json.dump(record, f)
        self.trained[arm.key] = record
        return record

    def curve_point(self, arm: Point, finetune: bool = False) -> dict:
        """kNN top-1 (and with ``finetune`` the fine-tuning top-1 after each
        epoch of the knee rule's recipe, ``--curve-finetune`` epochs) of a
        point on the validation split: kNN bank training images 0-49999,
        queries 50000-59999; fine-tuned on 0-49999, validated on
        50000-59999. The fine-tuning is kept in ``finetune_val`` by length,
        so that curves of several recipe lengths share one json."""
        curve = self.results.setdefault('curve', {})
        record = curve.setdefault(arm.key, dict(epochs=arm.epochs,
                                                seed=arm.seed))
        if 'knn' not in record:
            record['knn'] = self.validation_knn(arm)
            record.update(self.cost(arm))
            self.save()
        if not finetune:
            return record
        return dict(record, finetune=self.validation_finetune(
            arm, self.curve_finetune))

    def validation_finetune(self, arm: Arm, epochs: int) -> List[float]:
        """Top-1 on the validation split after each epoch of the curve's
        recipe stretched to ``epochs`` (warm-up 0.5 epoch, then cosine);
        cached in the results' ``finetune_val``."""
        cached = self.results.setdefault('finetune_val', {}).setdefault(
            arm.key, {})
        if str(epochs) not in cached or self.args.fresh:
            cached[str(epochs)] = fine_tune(
                self.configs.finetune_val, self.train(arm)['checkpoint'],
                osp.join(self.args.work_dir, arm.key,
                         f'finetune_val_{epochs}ep'),
                [*self.args.finetune_options, *recipe(epochs)],
                label=f'fine-tuning {arm.key} ({epochs} ep, val)')
            self.save()
        return cached[str(epochs)]

    def merge(self, on_disk: dict) -> None:
        """:meth:`Benchmark.merge`, with two rules of the study: a stage's
        minutes add up (two processes may time one stage), and what this
        process measured from its base (:data:`FROM_THE_BASE`) does not
        become the base's that another process took meanwhile: it goes to
        ``earlier`` under this process's base, and :meth:`save` stops."""
        mine = dict(self.results.get('stage_minutes', {}))
        before = self.synced.get('stage_minutes', {})
        taken = on_disk.get('base')
        if self.measuring_from is not None and taken not in (
                self.synced.get('base'), self.measuring_from):
            changed = {key: self.results[key] for key in FROM_THE_BASE
                       if key in self.results and
                       self.results[key] != self.synced.get(key)}
            for key in FROM_THE_BASE:
                self.results.pop(key, None)
                if key in self.synced:
                    self.results[key] = copy.deepcopy(self.synced[key])
            self.results.setdefault('earlier', {}).setdefault(
                str(self.measuring_from), {}).update(changed)
            self.stop = (
                f'error: another process took the base at {taken} epochs '
                f'while this one measured from {self.measuring_from}: what '
                'this one measured from it is kept under earlier in '
                f'{self.json}; run the stages again to go on from {taken}')
        super().merge(on_disk)
        theirs = on_disk.get('stage_minutes', {})
        minutes = self.results.setdefault('stage_minutes', {})
        for stage in {*mine, *theirs}:
            minutes[stage] = theirs.get(stage, 0.) + mine.get(stage, 0.) - \
                before.get(stage, 0.)

    def save(self) -> None:
        """:meth:`Benchmark.save`; stops the process with an error when
        another one took a new base meanwhile (:meth:`merge`)."""
        super().save()
        if self.stop:
            raise SystemExit(self.stop)


def recipe(epochs: int) -> List[str]:
    """Options of the fine-tuning recipe at ``epochs`` epochs: its 0.5-epoch
    warm-up, then cosine to the end."""
    return [f'train_cfg.max_epochs={epochs}',
            f'param_scheduler.1.T_max={epochs - 0.5}',
            f'param_scheduler.1.end={epochs}']


def find_knee(bench: KneeBenchmark, first: int, last: int,
              gain: float = KNEE_GAIN) -> Optional[int]:
    """E1: the first candidate whose point E/3 further gains less than
    ``gain`` in kNN and in fine-tuning top-1 (validation split, seed 0;
    fine-tuned for ``bench.curve_finetune`` epochs). Fine-tuning is run
    only where kNN already meets the rule, and at the candidates 3 * 2^a
    for the plot. None: no knee up to ``last``."""
    for e in candidates(first, last):
        plotted = (e // 3) & (e // 3 - 1) == 0  # e = 3 * 2^a
        pair = [bench.curve_point(bench.point(x, 0),
                                  finetune=plotted and x == e)
                for x in (e, partner(e))]
        if pair[1]['knn'] - pair[0]['knn'] >= gain:
            continue
        pair = [bench.curve_point(bench.point(x, 0), finetune=True)
                for x in (e, partner(e))]
        if pair[1]['finetune'][-1] - pair[0]['finetune'][-1] < gain:
            bench.results.update(e1=e, knee_gain=gain, knee_search=[first, e],
                                 knee_finetune=bench.curve_finetune)
            bench.save()
            return e
    bench.results.update(e1=None, knee_gain=gain, knee_search=[first, last],
                         knee_finetune=bench.curve_finetune)
    bench.save()
    return None
