"""tools/visualize_attention.py on random demo-size models: the figure, and
the CLS attention maps it draws (probabilities over the patch grid)."""
import os.path as osp

import pytest
import torch
from PIL import Image

from tec_mm.datasets import DEBIAN_FASHION_MNIST
from tec_mm import PatchRelationTarget, TECViT
from tec_mm.evaluation import cls_attention
from tec_test_utils import ROOT, run_tool
from test_runner import write_tiny_dino_base

TEC = osp.join(ROOT, 'configs/demo/tec_vit-tiny-p4_fmnist.py')
DEMO_ARCH = dict(embed_dims=96, num_layers=6, num_heads=4,
                 feedforward_channels=384)


def test_cls_attention_is_a_distribution_over_patches(tmp_path):
    base = str(tmp_path / 'base.pth')
    write_tiny_dino_base(base)
    target = PatchRelationTarget(checkpoint=base, arch=dict(num_heads=4),
                                 img_size=28, top_k=1)
    maps = cls_attention(target, torch.randn(3, 1, 28, 28))
    assert maps.shape == (3, 7, 7)
    torch.testing.assert_close(maps.sum((1, 2)), torch.ones(3))
    assert (maps > 0).all()


@pytest.mark.skipif(not osp.isdir(DEBIAN_FASHION_MNIST),
                    reason='Debian package dataset-fashion-mnist missing')
def test_writes_the_figure(tmp_path):
    base = str(tmp_path / 'base.pth')
    write_tiny_dino_base(base)
    encoder = TECViT(arch=DEMO_ARCH, img_size=28, patch_size=4,
                     in_channels=1)
    tec = str(tmp_path / 'tec.pth')
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in
                                encoder.state_dict().items()}), tec)
    out = str(tmp_path / 'attention.png')
    res = run_tool('visualize_attention.py', TEC, base, tec, out, '--num',
                   '2')
    assert res.returncode == 0, res.stderr[-3000:]
    assert f'written: {out} (2 images)' in res.stdout
    assert Image.open(out).size == (600, 400)  # 3 columns x 2 rows
