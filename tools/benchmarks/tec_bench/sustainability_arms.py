"""The arms of the sustainability benchmark: what each pretraining run is,
and the runner that trains, measures and records them (see
``tools/benchmarks/sustainability.py``)."""
import argparse
import copy
import glob
import json
import os
import os.path as osp
import shutil
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config, DictAction

from tec_mm.engine import quiet_config_reading
from tec_mm.evaluation import knn_predict, linear_probe, top1
from .frozen_encoder import exported_encoder, fashion_mnist_features
from .runs import ROOT, fine_tune, last_checkpoint, train_resumable
from .shared_results import locked, merge_changes
from .training_flops import training_flops_per_image

CONFIGS = osp.join(ROOT, 'configs/sustainability')
MAE = osp.join(CONFIGS, 'mae_vit-tiny-p4_fmnist-30k.py')
with quiet_config_reading():  # read on import, outside the tools' run_main
    BUDGET = Config.fromfile(
        osp.join(ROOT, 'configs/_base_/sustainability_budget.py'))
    DATA_ROOT = Config.fromfile(MAE).data_root
TEC = osp.join(CONFIGS, 'tec_vit-tiny-p4_fmnist-30k.py')
FINETUNE = osp.join(CONFIGS, 'vit-tiny-p4_fmnist-60k_finetune.py')
VARIANTS = {  # name: (config, options); the base's path fills {base}
    'TEC': (TEC, []),
    'TEC without attention target': (TEC[:-3] + '_no-attention.py', []),
    'TEC, channel norm instead of patch norm':
    (TEC[:-3] + '_channel-norm.py', []),
    'TEC without conditional adapter': (TEC[:-3] + '_no-adapter.py', []),
    'TEC from the base weights (our extension)':
    (TEC, ['model.backbone.init_cfg.type=Pretrained',
           'model.backbone.init_cfg.checkpoint={base}',
           'model.backbone.init_cfg.prefix=backbone.']),
}

SWEEP = {  # validation sweep of TEC settings: name: options
    'tau=1.8 (ViT-B)': ['model.head.attention_loss.tau=1.8'],
    'tau=0.5': ['model.head.attention_loss.tau=0.5'],
    'tau=0.2': ['model.head.attention_loss.tau=0.2'],
    'tau=0.2, lr x2': ['model.head.attention_loss.tau=0.2',
                       'optim_wrapper.optimizer.lr=3e-3'],
}


def model_config(config: str, options: List[str]) -> Config:
    """``config`` with ``options`` merged, but its backbone's init_cfg: the
    model's shape as trained, built without loading anything."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--options', nargs='*', action=DictAction)
    parsed = parser.parse_args(['--options', *options]).options or {}
    cfg = Config.fromfile(config)
    cfg.merge_from_dict({k: v for k, v in parsed.items()
                         if not k.startswith('model.backbone.init_cfg')})
    return cfg


def schedule(epochs: int, warmup: Optional[float] = None) -> List[str]:
    """Options for ``epochs`` epochs: a linear warm-up of ``warmup`` epochs
    (default: the budget's but at most a quarter of the run), then cosine
    to the end."""
    if warmup is None:
        warmup = min(BUDGET.budget_warmup_epochs, epochs / 4)
    return [f'train_cfg.max_epochs={epochs}',
            f'param_scheduler.0.end={warmup}',
            f'param_scheduler.1.begin={warmup}',
            f'param_scheduler.1.T_max={epochs - warmup}',
            f'param_scheduler.1.end={epochs}']


class Arm:
    """One pretraining run: its config, options, cost and parent.

    Args:
        key (str): Its name in ``results.json`` and its work dir.
        label (str): Its row in the tables.
        config (str): The pretraining config.
        epochs (int): Epochs of this run (the parent's not included).
        seed (int): Its seed.
        parent (Arm, optional): The MAE arm it continues or uses as base.
        options (List[str]): Further options; ``{base}`` is the parent's
            checkpoint.
        continues (bool): Whether the run starts from the parent's weights
            (``load_from``) rather than using it as TEC's base.
        own_schedule (bool): Keep the config's learning-rate schedule (set
            only the epochs) instead of the budget's warm-up and cosine.
    """

    def __init__(self, key: str, label: str, config: str, epochs: int,
                 seed: int, parent: Optional['Arm'] = None,
                 options: Tuple[str, ...] = (),
                 continues: bool = False, own_schedule: bool = False) -> None:
        self.key, self.label, self.config = key, label, config
        self.epochs, self.seed, self.parent = epochs, seed, parent
        self.options, self.continues = list(options), continues
        self.own_schedule = own_schedule


def mae(epochs: int, seed: int) -> Arm:
    return Arm(f'mae{epochs}_s{seed}', f'MAE {epochs} ep', MAE, epochs, seed)


def mae_more(base: Arm, epochs: int) -> Arm:
    done = total_epochs(base)
    return Arm(f'mae{done}+{epochs}_s{base.seed}',
               f'MAE {done} + {epochs} ep (continued)', MAE, epochs,
               base.seed, base, continues=True)


def tec(base: Arm, epochs: int, variant: str = 'TEC',
        options: Tuple[str, ...] = (), tag: str = '') -> Arm:
    config, extra = VARIANTS[variant]
    name = variant.split(' (')[0].replace(',', '').replace(' ', '-').lower()
    return Arm(f'{name}{tag}_{base.key}+{epochs}',
               f'{variant} ({total_epochs(base)} ep base + {epochs} ep)',
               config, epochs, base.seed, base, (*extra, *options))


def chain(base: Arm, epochs: int, generations: int,
          options: Tuple[str, ...] = ()) -> List[Arm]:
    """TEC generations 1..``generations``, each ``epochs`` epochs with the
    previous one as its base (generation 0 is ``base``)."""
    arms = [tec(base, epochs, options=options)]
    for generation in range(2, generations + 1):
        arms.append(tec(arms[-1], epochs, options=options))
        arms[-1].label = (f'TEC generation {generation} ({base.epochs} ep '
                          f'MAE, then {generation} x {epochs} ep TEC)')
    return arms


def total_epochs(arm: Optional[Arm]) -> int:
    """Epochs of ``arm`` and all its parents."""
    return 0 if arm is None else arm.epochs + total_epochs(arm.parent)


class Benchmark:
    """Trains arms on demand and records their measurements.

    Attributes:
        finetune_config (str): The fine-tuning of :meth:`measure`.
        encoder_config (str): The config of the randomly initialised
            encoder (:meth:`features` of None).
    """

    finetune_config = FINETUNE
    encoder_config = MAE

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.json = osp.join(args.results, 'results.json')
        self.results: Dict[str, dict] = dict(arms={}, sweep={})
        self.trained: Dict[str, dict] = {}  # by this process
        if osp.exists(self.json):
            with open(self.json) as f:
                self.results.update(json.load(f))
        self.synced = copy.deepcopy(self.results)

    def save(self) -> None:
        """Write the results, keeping what another process recorded in the
        file meanwhile (:meth:`merge`; one process at a time reads, merges
        and writes)."""
        os.makedirs(self.args.results, exist_ok=True)
        with locked(self.args.results):
            if osp.exists(self.json):
                with open(self.json) as f:
                    self.merge(json.load(f))
            with open(self.json + '.tmp', 'w') as f:
                json.dump(self.results, f, indent=1)
            os.replace(self.json + '.tmp', self.json)
        self.synced = copy.deepcopy(self.results)

    def merge(self, on_disk: dict) -> None:
        """Take from the file ``on_disk`` what this process left alone since
        it last read or wrote it (:func:`merge_changes`)."""
        merge_changes(self.results, self.synced, on_disk)

    def train(self, arm: Arm) -> dict:
        """Train ``arm`` (and its parents) unless its checkpoint is there;
        a run killed before resumes from its last checkpoint.

        Returns:
            dict: ``checkpoint``, ``minutes`` and ``flops`` of this run.
        """
        record = self.recorded(arm)
        if record is not None:
            return record
        work_dir = osp.join(self.args.work_dir, arm.key)
        done = osp.join(work_dir, 'done.json')
        options, base = self.options(arm)
        run = [osp.basename(arm.config), *options]
        same = self.same_run(run)
        if same is not None:
            self.trained[arm.key] = same
            return same
        if self.args.fresh:
            shutil.rmtree(work_dir, ignore_errors=True)
        minutes = train_resumable(arm.config, work_dir, options,
                                  label=f'training {arm.key}')
        cfg = model_config(arm.config, options)
        flops = training_flops_per_image(cfg, None if arm.continues else base)
        record = dict(checkpoint=last_checkpoint(work_dir), run=run,
                      minutes=minutes,
                      flops=flops * cfg.train_dataloader.dataset.indices *
                      arm.epochs)
        with open(done, 'w') as f:
            json.dump(record, f)
        self.trained[arm.key] = record
        return record

    def recorded(self, arm: Arm) -> Optional[dict]:
        """The record of ``arm``'s finished run (``done.json``) while its
        checkpoint is there; None otherwise or with ``--fresh``."""
        if arm.key in self.trained:
            return self.trained[arm.key]
        done = osp.join(self.args.work_dir, arm.key, 'done.json')
        if osp.exists(done) and not self.args.fresh:
            with open(done) as f:
                record = json.load(f)
            if osp.exists(record['checkpoint']):
                self.trained[arm.key] = record
                return record
        return None

    def same_run(self, run: List[str]) -> Optional[dict]:
        """The record of an earlier run of the same config and options
        (e.g. a sweep setting that became an arm's), if its checkpoint is
        still there."""
        if self.args.fresh:
            return None
        for path in glob.glob(osp.join(self.args.work_dir, '*',
                                       'done.json')):
            with open(path) as f:
                record = json.load(f)
            if record.get('run') == run and osp.exists(record['checkpoint']):
                return record
        return None

    def options(self, arm: Arm) -> Tuple[List[str], Optional[str]]:
        """The options of ``arm``'s run and its base (TEC) checkpoint."""
        parent = self.train(arm.parent)['checkpoint'] if arm.parent else None
        options = [*self.args.cfg_options, f'randomness.seed={arm.seed}',
                   *([f'train_cfg.max_epochs={arm.epochs}']
                     if arm.own_schedule else schedule(arm.epochs)),
                   *(o.format(base=parent) for o in arm.options)]
        if arm.continues:
            return options + [f'load_from={parent}'], None
        if parent:
            options.append(f'model.target_generator.checkpoint={parent}')
        return options, parent

    def features(self, arm: Optional[Arm], splits) -> list:
        """Frozen features of ``arm``'s encoder (None: random init)."""
        if arm is None:
            model = exported_encoder(Config.fromfile(self.encoder_config),
                                     None)
        else:
            model = exported_encoder(
                model_config(arm.config, self.options(arm)[0]),
                self.train(arm)['checkpoint'])
        return [fashion_mnist_features(model, DATA_ROOT, split, indices)
                for split, indices in splits]

    def cost(self, arm: Optional[Arm]) -> Dict[str, float]:
        """Wall-clock and FLOPs of ``arm`` with its parents'."""
        if arm is None:
            return dict(minutes=0., flops=0.)
        own, parent = self.train(arm), self.cost(arm.parent)
        return {k: own[k] + parent[k] for k in ('minutes', 'flops')}

    def measure(self, arm: Optional[Arm], key: str, label: str,
                finetune_options: Sequence[str] = ()) -> dict:
        """Fine-tuning (with further ``finetune_options``), kNN and linear
        top-1 of ``arm`` (cached)."""
        if key in self.results['arms'] and not self.args.fresh:
            return self.results['arms'][key]
        n = self.args.eval_images
        checkpoint = self.train(arm)['checkpoint'] if arm else None
        finetune = fine_tune(self.finetune_config, checkpoint,
                             osp.join(self.args.work_dir, key, 'finetune'),
                             [*self.args.finetune_options,
                              *finetune_options],
                             label=f'fine-tuning {key}')
        (tr_x, tr_y), (te_x, te_y) = self.features(
            arm, [('train', n), ('test', n)])
        record = dict(
            label=label, seed=arm.seed if arm else 0,
            epochs=total_epochs(arm), finetune=finetune,
            knn=top1(knn_predict(tr_x, tr_y, te_x, 10), te_y),
            linear=top1(linear_probe(tr_x, tr_y, te_x, 10), te_y),
            **self.cost(arm))
        self.results['arms'][key] = record
        self.save()
        return record

    def validation_knn(self, arm: Arm) -> float:
        """kNN top-1 of ``arm`` on the validation split: bank training
        images 0-49999, queries 50000-59999 (``eval_images`` n: 0..n-1 and
        n..2n-1)."""
        n = self.args.eval_images
        bank, queries = ((list(range(n)), list(range(n, 2 * n)))
                         if n else (50000, list(range(50000, 60000))))
        (b_x, b_y), (q_x, q_y) = self.features(
            arm, [('train', bank), ('train', queries)])
        return top1(knn_predict(b_x, b_y, q_x, 10), q_y)

    def validate(self, name: str, arm: Arm) -> float:
        """:meth:`validation_knn` of the sweep's setting ``name``, cached
        in the results' ``sweep`` for this arm (a sweep from another base
        is measured again)."""
        cached = self.results['sweep'].get(name, {})
        if cached.get('key') != arm.key or self.args.fresh:
            self.results['sweep'][name] = dict(
                key=arm.key, knn=self.validation_knn(arm))
            self.save()
        return self.results['sweep'][name]['knn']
