"""The sustainability benchmark: TEC from a converged MAE base against
training the base longer, measured by fine-tuning (CPU, about 2.5 h).

Stages (``--stages``; each finished arm's numbers go to ``results.json``
at once, so a later run, on this machine or a fresh one, measures only
what is missing):

``curve``
    MMPretrain MAE from scratch for each of the budget's ``curve_epochs``
    (seed 0) and each continued by E/3 epochs; E1 is the smallest E whose
    E/3 more epochs gain less than ``knee_gain`` fine-tuning top-1.
``sweep``
    TEC settings from the E1 base (seed 0), scored by kNN top-1 on a
    validation split of the training images (bank: images 0-49999,
    queries: 50000-59999), never on the test split.
``arms``
    Seeds 0 and 1: MAE base (E1), MAE continued to E1 + E1/3, TEC for E1/3
    from the base; seed 0: MAE for 2 E1 epochs, the three ablations, and
    our extension (TEC starting from the base's weights).

Every encoder is fine-tuned end to end on all 60k training images with
one recipe (``configs/sustainability/vit-tiny-p4_fmnist-60k_finetune.py``,
top-1 on the 10k test images after each epoch) and probed frozen (kNN and
linear probe on average-pooled last-block tokens). Costs add the base's:
wall-clock of the training processes and training FLOPs (one counted step
times the images seen). Checkpoints that are gone are trained again
(seeded, deterministic on the CPU). ``results.md``, ``curve.png`` and
``accuracy_vs_cost.png`` are rewritten from the json at the end.

Usage:
    python tools/benchmarks/sustainability.py [--stages curve sweep arms]
        [--work-dir DIR] [--results DIR] [--fresh]
        [--cfg-options K=V ...] [--finetune-options K=V ...]
        [--eval-images N]
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import shutil
import time
import warnings
from typing import Dict, List, Optional, Tuple

warnings.filterwarnings('ignore', message='pkg_resources is deprecated')

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from tec_mm.demo import (attention_target_entropy,  # noqa: E402
                               build_frozen_encoder, fashion_mnist_features, fine_tune, knn_predict,
                               linear_probe, run_tool, top1,
                               training_flops_per_image)
from sustainability_report import write_report  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs/sustainability')
BUDGET = Config.fromfile(osp.join(ROOT,
                                  'configs/_base_/sustainability_budget.py'))
MAE = osp.join(CONFIGS, 'mae_vit-tiny-p4_fmnist-30k.py')
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
    parser.add_argument('--options', nargs='+', action=DictAction)
    parsed = parser.parse_args(['--options', *options]).options
    cfg = Config.fromfile(config)
    cfg.merge_from_dict({k: v for k, v in parsed.items()
                         if not k.startswith('model.backbone.init_cfg')})
    return cfg


def schedule(epochs: int) -> List[str]:
    """Options for ``epochs`` epochs: a linear warm-up of the budget's
    epochs but at most a quarter of the run, then cosine to the end."""
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
    """

    def __init__(self, key: str, label: str, config: str, epochs: int,
                 seed: int, parent: Optional['Arm'] = None,
                 options: Tuple[str, ...] = (),
                 continues: bool = False) -> None:
        self.key, self.label, self.config = key, label, config
        self.epochs, self.seed, self.parent = epochs, seed, parent
        self.options, self.continues = list(options), continues


def mae(epochs: int, seed: int) -> Arm:
    return Arm(f'mae{epochs}_s{seed}', f'MAE {epochs} ep', MAE, epochs, seed)


def mae_more(base: Arm, epochs: int) -> Arm:
    return Arm(f'mae{base.epochs}+{epochs}_s{base.seed}',
               f'MAE {base.epochs} + {epochs} ep (continued)', MAE, epochs,
               base.seed, base, continues=True)


def tec(base: Arm, epochs: int, variant: str = 'TEC',
        options: Tuple[str, ...] = (), tag: str = '') -> Arm:
    config, extra = VARIANTS[variant]
    name = variant.split(' (')[0].replace(',', '').replace(' ', '-').lower()
    return Arm(f'{name}{tag}_{base.key}+{epochs}',
               f'{variant} ({base.epochs} ep base + {epochs} ep)', config,
               epochs, base.seed, base, (*extra, *options))


class Benchmark:
    """Trains arms on demand and records their measurements."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.json = osp.join(args.results, 'results.json')
        self.results: Dict[str, dict] = dict(arms={}, sweep={})
        self.trained: Dict[str, dict] = {}  # by this process
        if osp.exists(self.json):
            with open(self.json) as f:
                self.results.update(json.load(f))

    def save(self) -> None:
        os.makedirs(self.args.results, exist_ok=True)
        with open(self.json + '.tmp', 'w') as f:
            json.dump(self.results, f, indent=1)
        os.replace(self.json + '.tmp', self.json)

    def train(self, arm: Arm) -> dict:
        """Train ``arm`` (and its parents) unless its checkpoint is there.

        Returns:
            dict: ``checkpoint``, ``minutes`` and ``flops`` of this run.
        """
        if arm.key in self.trained:
            return self.trained[arm.key]
        work_dir = osp.join(self.args.work_dir, arm.key)
        done = osp.join(work_dir, 'done.json')
        if osp.exists(done) and not self.args.fresh:
            with open(done) as f:
                record = json.load(f)
            if osp.exists(record['checkpoint']):
                self.trained[arm.key] = record
                return record
        options, base = self.options(arm)
        run = [osp.basename(arm.config), *options]
        same = self.same_run(run)
        if same is not None:
            self.trained[arm.key] = same
            return same
        shutil.rmtree(work_dir, ignore_errors=True)
        print(f'  training {arm.key} ...', flush=True)
        start = time.time()
        run_tool('train.py', arm.config, '--work-dir', work_dir,
                 '--cfg-options', *options,
                 log=osp.join(work_dir, 'tools.log'))
        minutes = (time.time() - start) / 60
        cfg = model_config(arm.config, options)
        flops = training_flops_per_image(cfg, None if arm.continues else base)
        with open(osp.join(work_dir, 'last_checkpoint')) as f:
            record = dict(checkpoint=f.read().strip(), run=run,
                          minutes=minutes,
                          flops=flops * cfg.train_dataloader.dataset.indices
                          * arm.epochs)
        with open(done, 'w') as f:
            json.dump(record, f)
        self.trained[arm.key] = record
        return record

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
                   *schedule(arm.epochs),
                   *(o.format(base=parent) for o in arm.options)]
        if arm.continues:
            return options + [f'load_from={parent}'], None
        if parent:
            options.append(f'model.target_generator.checkpoint={parent}')
        return options, parent

    def features(self, arm: Optional[Arm], splits) -> list:
        """Frozen features of ``arm``'s encoder (None: random init)."""
        if arm is None:
            model = build_frozen_encoder(Config.fromfile(MAE), None)
        else:
            options, base = self.options(arm)
            model = build_frozen_encoder(model_config(arm.config, options),
                                         self.train(arm)['checkpoint'], base)
        return [fashion_mnist_features(model, DATA_ROOT, split, indices)
                for split, indices in splits]

    def cost(self, arm: Optional[Arm]) -> Dict[str, float]:
        """Wall-clock and FLOPs of ``arm`` with its parents'."""
        if arm is None:
            return dict(minutes=0., flops=0.)
        own, parent = self.train(arm), self.cost(arm.parent)
        return {k: own[k] + parent[k] for k in ('minutes', 'flops')}

    def measure(self, arm: Optional[Arm], key: str, label: str) -> dict:
        """Fine-tuning, kNN and linear top-1 of ``arm`` (cached)."""
        if key in self.results['arms'] and not self.args.fresh:
            return self.results['arms'][key]
        n = self.args.eval_images
        checkpoint = self.train(arm)['checkpoint'] if arm else None
        print(f'  measuring {key} ...', flush=True)
        ft_dir = osp.join(self.args.work_dir, key, 'finetune')
        finetune = fine_tune(FINETUNE, checkpoint, ft_dir,
                             self.args.finetune_options,
                             log=osp.join(ft_dir, 'tools.log'))
        (tr_x, tr_y), (te_x, te_y) = self.features(
            arm, [('train', n), ('test', n)])
        record = dict(
            label=label, seed=arm.seed if arm else 0,
            epochs=arm.epochs + (arm.parent.epochs if arm.parent else 0)
            if arm else 0, finetune=finetune,
            knn=top1(knn_predict(tr_x, tr_y, te_x, 10), te_y),
            linear=top1(linear_probe(tr_x, tr_y, te_x, 10), te_y),
            **self.cost(arm))
        self.results['arms'][key] = record
        self.save()
        return record

    def validate(self, name: str, arm: Arm) -> float:
        """kNN top-1 of ``arm`` on the validation split (cached)."""
        if name not in self.results['sweep'] or self.args.fresh:
            n = self.args.eval_images
            bank, queries = ((list(range(n)), list(range(n, 2 * n)))
                             if n else (50000, list(range(50000, 60000))))
            (b_x, b_y), (q_x, q_y) = self.features(
                arm, [('train', bank), ('train', queries)])
            self.results['sweep'][name] = dict(
                key=arm.key, knn=top1(knn_predict(b_x, b_y, q_x, 10), q_y))
            self.save()
        return self.results['sweep'][name]['knn']


def stage_curve(bench: Benchmark, curve: List[int]) -> int:
    """MAE learning curve at ``curve`` epochs; returns E1, the knee."""
    gains = []
    for epochs in curve:
        base, more = mae(epochs, 0), mae_more(mae(epochs, 0), epochs // 3)
        top = [bench.measure(a, a.key, a.label)['finetune'][-1]
               for a in (base, more)]
        gains.append((epochs, top[1] - top[0]))
    knee = next((e for e, gain in gains if gain < BUDGET.knee_gain),
                curve[-1])
    bench.results['e1'] = knee
    bench.save()
    return knee


def target_entropy(bench: Benchmark, base: Arm) -> Dict[str, float]:
    """Row entropy / log N of the base's attention target at each swept
    tau and K, on 512 validation images."""
    checkpoint = bench.train(base)['checkpoint']
    settings = {f'tau={t}, K={k}': (t, k) for t in (1.8, 1.0, 0.5, 0.2, 0.1)
                for k in (4, 8)}
    loader = Runner.build_dataloader(dict(
        batch_size=512, sampler=dict(type='DefaultSampler', shuffle=False),
        collate_fn=dict(type='default_collate'),
        dataset=dict(type='LocalFashionMNIST', data_root=DATA_ROOT,
                     indices=list(range(50000, 50512)),
                     pipeline=[dict(type='PackInputs')])))
    entropy = {}
    for name, (tau, k) in settings.items():
        model = build_frozen_encoder(
            model_config(TEC, [f'model.target_generator.top_k={k}']), None,
            checkpoint)
        images = model.data_preprocessor(next(iter(loader)))['inputs']
        logits = next(iter(model.base_models.values()))(images)['attention']
        entropy[name] = attention_target_entropy(logits, tau)
    return entropy


def stage_sweep(bench: Benchmark, e1: int) -> None:
    """TEC settings scored on the validation split, and the target's
    entropy at each tau and K."""
    base = mae(e1, 0)
    if 'entropy' not in bench.results or bench.args.fresh:
        bench.results['entropy'] = target_entropy(bench, base)
        bench.save()
    for name, options in SWEEP.items():
        tag = '_' + re.sub('[^a-z0-9.]+', '-', name.lower()).strip('-')
        bench.validate(name, tec(base, e1 // 3, options=options, tag=tag))
    bench.validate('MAE base', base)
    bench.validate('MAE continued', mae_more(base, e1 // 3))
    bench.results['chosen'] = max(SWEEP,
                                  key=lambda n: bench.results['sweep'][n]['knn'])
    bench.save()


def stage_arms(bench: Benchmark, e1: int, only: List[str]) -> None:
    """The arms at E1 (those of ``only`` when given); TEC arms take the
    setting the sweep chose, when it ran."""
    e2 = e1 // 3
    chosen = tuple(SWEEP.get(bench.results.get('chosen'), ()))
    if not only or 'random' in only:
        bench.measure(None, 'random', 'random init (no pretraining)')
    for seed in (0, 1):
        base = mae(e1, seed)
        arms = [base, mae_more(base, e2), tec(base, e2, options=chosen)]
        if seed == 0:
            arms += [mae(2 * e1, 0)]
            arms += [tec(base, e2, v, chosen) for v in VARIANTS if v != 'TEC']
        for arm in arms:
            if not only or arm.key in only:
                bench.measure(arm, arm.key, arm.label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--stages', nargs='+', default=['curve', 'arms'],
                        choices=['curve', 'sweep', 'arms'])
    parser.add_argument('--arms', nargs='+', default=[],
                        help='measure only these arms of stage arms (keys '
                        'of results.json, e.g. tec_mae6_s0+2)')
    parser.add_argument('--curve-epochs', type=int, nargs='+',
                        default=BUDGET.curve_epochs,
                        help='MAE epochs of the curve (default: the budget)')
    parser.add_argument('--work-dir',
                        default=osp.join(ROOT, 'work_dirs/sustainability'))
    parser.add_argument('--results',
                        default=osp.join(ROOT, 'results/sustainability'))
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
    bench = Benchmark(args)
    e1 = stage_curve(bench, args.curve_epochs) if 'curve' in args.stages else \
        bench.results.get('e1', BUDGET.base_epochs)
    if 'sweep' in args.stages:
        stage_sweep(bench, e1)
    if 'arms' in args.stages:
        stage_arms(bench, e1, args.arms)
    text = write_report(bench.results, BUDGET, args.results)
    print('\n' + text + f'\ntotal: {(time.time() - start) / 60:.1f} min; '
          f'written to {args.results}')


if __name__ == '__main__':
    main()
