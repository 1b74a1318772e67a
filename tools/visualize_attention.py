"""Attention maps like the paper's figure: each image, the base model's and
the TEC model's CLS attention (last block, averaged over heads).

Usage:
    python tools/visualize_attention.py CONFIG BASE_CKPT TEC_CKPT OUT.png
        [--images FILE ...] [--num 4]

CONFIG is the TEC pretraining config (image size, patch size, heads and
normalisation are read from it). Without ``--images`` the first ``--num``
images of its training dataset are shown. TEC_CKPT is a TEC training
checkpoint; its encoder is exported as by tools/export_backbone.py.
"""
import argparse
from typing import List

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from PIL import Image  # noqa: E402

from tec_mm.engine import load_checkpoint_file, run_main  # noqa: E402
from tec_mm import PatchRelationTarget, export_backbone  # noqa: E402
from tec_mm.evaluation import cls_attention  # noqa: E402
from tec_mm.registry import DATASETS  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='TEC pretraining config')
    parser.add_argument('base', help='base model checkpoint')
    parser.add_argument('tec', help='TEC training checkpoint')
    parser.add_argument('out', help='PNG to write')
    parser.add_argument('--images', nargs='+', help='image files')
    parser.add_argument('--num', type=int, default=4,
                        help='dataset images shown without --images')
    return parser.parse_args()


def load_images(cfg: Config, files: List[str], num: int) -> np.ndarray:
    """N x H x W (grey) or N x H x W x 3 ``uint8`` images at the model's
    input size."""
    size = cfg.model.backbone.img_size
    grey = cfg.model.backbone.get('in_channels', 3) == 1
    if not files:
        dataset = DATASETS.build(dict(cfg.train_dataloader.dataset,
                                      pipeline=[]))
        files = [dataset.get_data_info(i) for i in range(num)]
    images = []
    for item in files:
        img = Image.fromarray(item['img']) if isinstance(item, dict) and \
            'img' in item else Image.open(
                item['img_path'] if isinstance(item, dict) else item)
        img = img.convert('L' if grey else 'RGB').resize((size, size))
        images.append(np.asarray(img))
    return np.stack(images)


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.default_scope)
    images = load_images(cfg, args.images or [], args.num)
    pre = cfg.data_preprocessor
    x = torch.from_numpy(images).float()
    x = x[:, None] if x.ndim == 3 else x.permute(0, 3, 1, 2)
    mean, std = (torch.tensor(v).view(1, -1, 1, 1)
                 for v in (pre.mean, pre.std))
    x = (x - mean) / std
    base_cfg = dict(cfg.model.target_generator, checkpoint=args.base,
                    img_size=cfg.model.backbone.img_size, top_k=1,
                    with_attention=True)
    base_cfg.pop('type', None)
    state, _ = export_backbone(
        load_checkpoint_file(args.tec, map_location='cpu')['state_dict'])
    models = {
        'base model': PatchRelationTarget(**base_cfg),
        'TEC model': PatchRelationTarget(
            **dict(base_cfg, checkpoint=state, name='tec'))
    }
    maps = {name: cls_attention(m, x) for name, m in models.items()}
    rows = len(images)
    fig, axes = plt.subplots(rows, 3, figsize=(6, 2 * rows), squeeze=False)
    size = images.shape[1]
    for i in range(rows):
        axes[i, 0].imshow(images[i], cmap='gray' if images.ndim == 3 else None)
        for j, (name, m) in enumerate(maps.items(), start=1):
            up = F.interpolate(m[i][None, None], size=(size, size),
                               mode='bilinear')[0, 0]
            axes[i, j].imshow(up.numpy(), cmap='inferno')
            if i == 0:
                axes[i, j].set_title(name)
        for ax in axes[i]:
            ax.axis('off')
    axes[0, 0].set_title('image')
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f'written: {args.out} ({rows} images)')


if __name__ == '__main__':
    run_main(main)
