"""Write a few Fashion-MNIST images in MMPretrain's ImageNet layout.

``OUT/train/*.JPEG`` plus ``OUT/meta/train.txt`` (``filename label`` lines),
which ``mmpretrain.datasets.ImageNet(data_root=OUT, split='train')`` reads.
It lets the full-size ImageNet configs run a few iterations on a CPU:

    python tools/benchmarks/make_tiny_imagenet.py data/tiny_imagenet --num 8
    python tools/train.py configs/tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py \\
        --cfg-options model.target_generator.checkpoint=PATH \\
        train_dataloader.dataset.data_root=data/tiny_imagenet \\
        train_dataloader.batch_size=2 train_dataloader.num_workers=0 \\
        train_dataloader.persistent_workers=False train_cfg.max_epochs=1 \\
        param_scheduler.0.end=0.5 param_scheduler.1.begin=0.5
"""
import argparse
import os
import os.path as osp

from PIL import Image

from tec_mm.datasets import DEBIAN_FASHION_MNIST, LocalFashionMNIST
from tec_mm.engine import run_main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out', help='output folder (the data_root)')
    parser.add_argument('--num', type=int, default=8, help='number of images')
    parser.add_argument('--size', type=int, default=64, help='side in px')
    parser.add_argument('--fmnist-root', default=DEBIAN_FASHION_MNIST)
    args = parser.parse_args()

    dataset = LocalFashionMNIST(
        data_root=args.fmnist_root, split='train', indices=args.num)
    os.makedirs(osp.join(args.out, 'train'), exist_ok=True)
    os.makedirs(osp.join(args.out, 'meta'), exist_ok=True)
    lines = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        name = f'fmnist_{i:05d}.JPEG'
        Image.fromarray(info['img']).convert('RGB').resize(
            (args.size, args.size), Image.BICUBIC).save(
                osp.join(args.out, 'train', name), quality=95)
        lines.append(f'{name} {info["gt_label"]}')
    with open(osp.join(args.out, 'meta', 'train.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print(f'wrote {len(lines)} images to {args.out}')


if __name__ == '__main__':
    run_main(main)
