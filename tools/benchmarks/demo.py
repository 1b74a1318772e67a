"""The demo: an MAE base, TEC from it, and a kNN evaluation of both.

On Fashion-MNIST (Debian's dataset-fashion-mnist) with a tiny ViT, on CPU:

1. pretrain a small MAE base with MMPretrain's own ``MAE``;
2. pretrain a TEC model from that base;
3. kNN (k=20, cosine, temperature-weighted votes) of the frozen encoders:
   feature bank = the 20k pretraining images, queries = the 10k test split.

Usage:
    python tools/benchmarks/demo.py [--work-dir work_dirs/demo] [--epochs N]
"""
import argparse
import os.path as osp
import shutil
import time
from typing import List, Optional

from mmengine.config import Config

from tec_bench import frozen_features, last_checkpoint, run_tool
from tec_mm.engine import run_main
from tec_mm.evaluation import knn_predict, top1

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MAE_CONFIG = osp.join(ROOT, 'configs/demo/mae_vit-tiny-p4_fmnist.py')
TEC_CONFIG = osp.join(ROOT, 'configs/demo/tec_vit-tiny-p4_fmnist.py')


def train(config: str, work_dir: str, options: List[str], label: str) -> float:
    """Run tools/train.py on a config, quietly with a progress bar (its log
    in ``work_dir/tools.log``); return its wall-clock seconds."""
    shutil.rmtree(work_dir, ignore_errors=True)
    start = time.time()
    run_tool('train.py', config, '--work-dir', work_dir,
             *(['--cfg-options', *options] if options else []),
             log=osp.join(work_dir, 'tools.log'), label=label)
    return time.time() - start


def epoch_options(epochs: int) -> List[str]:
    """Options that make a demo config train ``epochs`` epochs.

    The schedule's cosine phase (``param_scheduler[1]``) is stretched to end
    with the run; changing ``max_epochs`` alone would leave the learning
    rate at 0 after the config's own epochs.
    """
    return [f'train_cfg.max_epochs={epochs}',
            f'param_scheduler.1.T_max={epochs - 1}',
            f'param_scheduler.1.end={epochs}']


def knn_accuracy(config: str, checkpoint: Optional[str]) -> float:
    """kNN top-1 (%) of a config's encoder on Fashion-MNIST's test split.

    Args:
        config (str): The pretraining config.
        checkpoint (str, optional): Its checkpoint; None for random init.
    """
    cfg = Config.fromfile(config)
    bank = cfg.train_dataloader.dataset.get('indices')
    (train_x, train_y), (test_x, test_y) = frozen_features(
        cfg, checkpoint, train_images=bank)
    pred = knn_predict(train_x, train_y, test_x, num_classes=10)
    return top1(pred, test_y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs/demo'))
    parser.add_argument(
        '--epochs', type=int, help='override both pretraining epochs')
    args = parser.parse_args()
    if args.epochs is not None and args.epochs < 2:
        parser.error('--epochs must be at least 2 (1 warm-up epoch, then '
                     'cosine)')
    options = epoch_options(args.epochs) if args.epochs else []
    start = time.time()

    print(f'tec_mm demo: MAE base -> TEC -> kNN, on the CPU; logs in '
          f'{args.work_dir}/{{mae,tec}}/tools.log', flush=True)
    mae_dir = osp.join(args.work_dir, 'mae')
    mae_time = train(MAE_CONFIG, mae_dir, options, '[1/3] MAE base')
    base = last_checkpoint(mae_dir)
    tec_dir = osp.join(args.work_dir, 'tec')
    tec_time = train(TEC_CONFIG, tec_dir,
                     options + [f'model.target_generator.checkpoint={base}'],
                     '[2/3] TEC from the MAE base')
    print('  [3/3] kNN evaluation (20k bank, 10k test queries) ...',
          flush=True)
    rows = [
        ('random init (no pretraining)', '-',
         knn_accuracy(MAE_CONFIG, None)),
        ('MAE base (MMPretrain MAE)', f'{mae_time / 60:.1f} min',
         knn_accuracy(MAE_CONFIG, base)),
        ('TEC from the MAE base', f'{tec_time / 60:.1f} min',
         knn_accuracy(TEC_CONFIG, last_checkpoint(tec_dir))),
    ]
    epochs = Config.fromfile(TEC_CONFIG).train_cfg.max_epochs
    table = [
        f'Fashion-MNIST, tiny ViT, {args.epochs or epochs} epochs each on '
        '20k training images; kNN k=20 on the 10k test images', '',
        '| encoder | pretraining wall-clock | kNN top-1 (%) |',
        '|---|---|---|'
    ] + [f'| {name} | {t} | {acc:.2f} |' for name, t, acc in rows]
    text = '\n'.join(table)
    minutes = (time.time() - start) / 60
    print('\n' + text + f'\n\ntotal demo time: {minutes:.1f} min')
    with open(osp.join(args.work_dir, 'knn_results.md'), 'w') as f:
        f.write(text + '\n')


if __name__ == '__main__':
    run_main(main)
