"""Progressive resolution: the stages by hand, refusals, and the model
following the grid (decoder position embeddings by hand, the base's K)."""
import math

import pytest
import torch

from tec_mm.efficient_training import ProgressiveResolutionHook
from tec_mm.registry import MODELS
from tec_test_utils import tiny_tec_cfg

PIPELINE = [dict(type='RandomResizedCrop', scale=28,
                 crop_ratio_range=(0.5, 1.0)),
            dict(type='RandomFlip', prob=0.5), dict(type='PackInputs')]
STAGES = [dict(begin=0, RandomResizedCrop=dict(scale=16,
                                               crop_ratio_range=(0.8, 1.0))),
          dict(begin=3, RandomResizedCrop=dict(scale=20)),
          dict(begin=5, RandomResizedCrop=dict(scale=28))]


def test_stages_by_epoch():
    hook = ProgressiveResolutionHook(STAGES)
    hook.pipeline = PIPELINE
    crops = [hook.pipeline_at(epoch)[0] for epoch in range(7)]
    assert [c['scale'] for c in crops] == [16, 16, 16, 20, 20, 28, 28]
    # a stage sets only what it names; the rest is the config's
    assert crops[0]['crop_ratio_range'] == (0.8, 1.0)
    assert crops[3]['crop_ratio_range'] == (0.5, 1.0)
    assert hook.pipeline_at(0)[1:] == PIPELINE[1:]


@pytest.mark.parametrize('stages, match', [
    ([dict(begin=1)], 'must begin at epoch 0'),
    ([dict(begin=0), dict(begin=2), dict(begin=2)], 'must be increasing'),
    ([dict(begin=0, RandomResizedCrop=16)], 'must be a dict of arguments'),
])
def test_bad_stages_are_refused(stages, match):
    with pytest.raises(ValueError, match=match):
        ProgressiveResolutionHook(stages)


def test_decoder_position_embedding_of_a_smaller_grid_by_hand():
    decoder = MODELS.build(dict(type='TECDecoder', num_patches=16,
                                embed_dims=24, decoder_embed_dims=8,
                                num_heads=2, target_heads=2))
    got = decoder.pos_embed_at(4)[0]  # 2 x 2 grid, CLS row first
    # C = 8: per axis sin and cos at frequencies 1 and 1/100 of the
    # patch's row r and column c (patches row-major)
    for p in range(4):
        r, c = divmod(p, 2)
        expected = [math.sin(r), math.sin(r / 100), math.cos(r),
                    math.cos(r / 100), math.sin(c), math.sin(c / 100),
                    math.cos(c), math.cos(c / 100)]
        torch.testing.assert_close(got[1 + p], torch.tensor(expected))
    assert not got[0].any()
    assert decoder.pos_embed_at(16) is decoder.pos_embed
    with pytest.raises(ValueError, match='not a square grid'):
        decoder.pos_embed_at(6)


@pytest.mark.parametrize('size, patches, k', [(8, 4, 1), (12, 9, 2),
                                              (16, 16, 3)])
def test_model_follows_the_grid(mae_checkpoint, size, patches, k):
    # trained at 16 px, patch 4: 16 patches, K = 3
    torch.manual_seed(0)
    model = MODELS.build(tiny_tec_cfg(mae_checkpoint[0]))
    base = model.base_models['mae']
    images = torch.randn(2, 3, size, size)
    targets = base(images)
    # K = max(1, round(3 * N / 16)): 0.75 -> 1, 1.69 -> 2, 3
    assert targets['indices'].shape == (2, k)
    assert targets['feature'].shape[1] == patches
    feats, mask, _ = model.backbone(images)
    assert mask.shape == (2, patches)
    assert mask.sum(1).tolist() == [patches - int(patches * 0.25)] * 2
    losses = model.loss(images, None)
    assert all(torch.isfinite(v) for v in losses.values())


def test_maes_fixed_grid_is_refused_before_training(tmp_path):
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile('configs/efficient_training/'
                          'mae_vit-tiny-p4_fmnist_progressive.py')
    cfg.model.backbone.type = 'MAEViT'
    cfg.optim_wrapper = dict(optimizer=cfg.optim_wrapper.optimizer)  # CPU
    cfg.train_dataloader.dataset.indices = 8
    cfg.work_dir = str(tmp_path)
    with pytest.raises(ValueError, match=r"cannot change the grid of "
                       r"model.backbone \(MAEViT\): .*'ResizableMAEViT'"):
        Runner.from_cfg(cfg).train()
    assert not list(tmp_path.glob('*.pth'))
