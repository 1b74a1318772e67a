"""Write the Fashion-MNIST scene stand-ins for ADE20K and COCO.

Training scenes take their items from Fashion-MNIST training images 20000
onwards (the demo pretrains on the first 20000), validation scenes from the
test split. The same scenes are written in both layouts:

    OUT/ade/images/{training,validation}/*.jpg
    OUT/ade/annotations/{training,validation}/*.png
    OUT/coco/{train2017,val2017}/*.jpg
    OUT/coco/annotations/instances_{train2017,val2017}.json

Usage:
    python tools/benchmarks/make_standin_datasets.py OUT [--train 1000]
        [--val 200] [--seed 0]
"""
import argparse
import os
import os.path as osp
import shutil
import sys

import numpy as np

from tec_bench import compose_scene, write_ade20k, write_coco
from tec_mm.datasets import LocalFashionMNIST
from tec_mm.engine import run_main

PRETRAIN_IMAGES = 20000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out', help='output folder (must not exist)')
    parser.add_argument('--train', type=int, default=1000,
                        help='training scenes')
    parser.add_argument('--val', type=int, default=200,
                        help='validation scenes')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--fashion-mnist', default=None,
                        help='folder of the Fashion-MNIST idx files')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if osp.exists(args.out):
        sys.exit(f'error: {args.out} exists; remove it or choose another '
                 'folder')
    if args.train < 1 or args.val < 1:
        sys.exit('error: --train and --val must be at least 1')
    extra = {} if args.fashion_mnist is None else dict(
        data_root=args.fashion_mnist)
    rng = np.random.default_rng(args.seed)
    tmp = args.out.rstrip('/') + '.partial'
    shutil.rmtree(tmp, ignore_errors=True)
    for split, source, count in (('train', 'train', args.train),
                                 ('val', 'test', args.val)):
        data = LocalFashionMNIST(split=source, **extra)
        start = PRETRAIN_IMAGES if source == 'train' else 0
        infos = [data.get_data_info(i) for i in range(start, len(data))]
        images = np.stack([info['img'] for info in infos])
        labels = np.array([info['gt_label'] for info in infos])
        scenes = [compose_scene(images, labels, rng) for _ in range(count)]
        write_ade20k(scenes, osp.join(tmp, 'ade'), split)
        write_coco(scenes, osp.join(tmp, 'coco'), split)
        print(f'{split}: {count} scenes, '
              f'{sum(len(s.items) for s in scenes)} items')
    os.replace(tmp, args.out)
    print(f'written: {args.out}')


if __name__ == '__main__':
    run_main(main)
