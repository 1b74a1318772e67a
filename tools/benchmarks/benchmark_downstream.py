"""Downstream evidence on CPU: UperNet (mIoU) and Mask R-CNN (COCO box / mask
AP) on the Fashion-MNIST scene stand-ins, and fine-tuning (top-1) on
Fashion-MNIST, each from a random init, the demo's MAE base and the demo's
TEC model, trained and evaluated by tools/train.py with the tiny overrides
of the benchmark configs.

Needs `make demo` first (its checkpoints in work_dirs/demo); writes the
stand-ins to data/standin when missing.

Usage:
    python tools/benchmarks/benchmark_downstream.py [--demo-dir work_dirs/demo]
        [--work-dir work_dirs/downstream] [--iters N]
        [--tasks segmentation detection classification]
"""
import argparse
import os
import os.path as osp
import time
from typing import Dict, List, Optional

from tec_bench import last_checkpoint, logged_metrics, run_tool
from tec_mm.engine import MissingInput, run_main

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SCENES = osp.join(ROOT, 'data/standin')
# task: (config, metrics, whether the model pools patch tokens)
TASKS = {
    'segmentation': ('configs/demo/upernet_vit-tiny-p4_fashion-scenes.py',
                     ('mIoU', 'mAcc', 'aAcc'), False),
    'detection': ('configs/demo/mask-rcnn_vit-tiny-p4_fashion-scenes.py',
                  ('coco/bbox_mAP', 'coco/bbox_mAP_50', 'coco/segm_mAP'),
                  False),
    'classification': ('configs/demo/vit-tiny-p4_fmnist_finetune.py',
                       ('accuracy/top1', ), True),
}


def export(checkpoint: str, out: str, global_pool: bool) -> str:
    """tools/export_backbone.py ``checkpoint`` -> ``out``; returns ``out``."""
    run_tool('export_backbone.py', checkpoint, out,
             *(['--global-pool'] if global_pool else []),
             log=out + '.log')
    return out


def train(config: str, work_dir: str, options: List[str],
          label: str) -> float:
    """tools/train.py on ``config`` with a progress bar; its seconds."""
    start = time.time()
    run_tool('train.py', config, '--work-dir', work_dir, '--cfg-options',
             *options, log=osp.join(work_dir, 'tools.log'), label=label)
    return time.time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--demo-dir', default=osp.join(ROOT, 'work_dirs/demo'))
    parser.add_argument(
        '--work-dir', default=osp.join(ROOT, 'work_dirs/downstream'))
    parser.add_argument('--iters', type=int, help='override max_iters')
    parser.add_argument(
        '--tasks', nargs='+', choices=sorted(TASKS), default=list(TASKS))
    args = parser.parse_args()
    start = time.time()
    os.chdir(ROOT)  # the configs' data roots are relative to the repository
    try:
        bases = {
            name: last_checkpoint(osp.join(args.demo_dir, name))
            for name in ('mae', 'tec')
        }
    except FileNotFoundError:
        raise MissingInput(f'no demo checkpoints in {args.demo_dir}: run '
                           '`make demo` first')
    if not osp.isdir(SCENES):
        run_tool('benchmarks/make_standin_datasets.py', SCENES,
                 log=osp.join(args.work_dir, 'standin.log'))
    rows = []
    for task in args.tasks:
        config, names, global_pool = TASKS[task]
        inits: Dict[str, Optional[str]] = {'random init': None}
        for name, label in (('mae', 'MAE base (demo)'),
                            ('tec', 'TEC from it (demo)')):
            inits[label] = export(
                bases[name],
                osp.join(args.work_dir,
                         f'{name}_backbone{"_gp" * global_pool}.pth'),
                global_pool)
        for label, backbone in inits.items():
            options = ['model.backbone.init_cfg=None'] if backbone is None \
                else [f'model.backbone.init_cfg.checkpoint={backbone}']
            if args.iters and task != 'classification':
                options += [f'train_cfg.max_iters={args.iters}',
                            f'train_cfg.val_interval={args.iters}']
            work_dir = osp.join(args.work_dir, task,
                                label.split()[0].lower())
            seconds = train(osp.join(ROOT, config), work_dir, options,
                            f'{task}, {label}')
            metrics = logged_metrics(work_dir, list(names))
            rows.append((task, label, seconds,
                         {k: v[-1] for k, v in metrics.items()}))

    lines = ['| task | backbone init | train + eval | metrics |',
             '|---|---|---|---|']
    for task, label, seconds, metrics in rows:
        shown = ', '.join(f'{k.replace("coco/", "")} {v:.3f}'
                          if v < 1.5 else f'{k} {v:.2f}'
                          for k, v in metrics.items())
        lines.append(f'| {task} | {label} | {seconds / 60:.1f} min | '
                     f'{shown} |')
    text = '\n'.join(lines)
    print('\n' + text + f'\ntotal: {(time.time() - start) / 60:.1f} min')
    with open(osp.join(args.work_dir, f'results_{"_".join(args.tasks)}.md'),
              'w') as f:
        f.write(text + '\n')


if __name__ == '__main__':
    run_main(main)
