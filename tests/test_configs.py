"""Every shipped config parses; every model config builds (random weights)."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from tec_mm.registry import MODELS
from tec_test_utils import write_mmpretrain_checkpoint

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    osp.relpath(p, ROOT)
    for p in glob.glob(osp.join(ROOT, 'configs/**/*.py'), recursive=True)
    if '_base_' not in p)
FULL_SIZE = {
    'configs/tec_vitb_mae.py': ('b', 12, 15, 1.8, 300),
    'configs/tec_vitb_mae300_100e.py': ('b', 12, 15, 1.8, 100),
    'configs/tec_vitb_ibot.py': ('b', 12, 9, 1.0, 300),
    'configs/tec_vitl_mae.py': ('l', 16, 15, 1.4, 300),
}


@pytest.mark.parametrize('path', CONFIGS)
def test_config_parses(path):
    cfg = Config.fromfile(osp.join(ROOT, path))
    assert cfg.default_scope == 'tec_mm'
    assert 'model' in cfg and 'train_dataloader' in cfg


def test_reference_hyperparameters():
    for path, (_, _, top_k, tau, epochs) in FULL_SIZE.items():
        cfg = Config.fromfile(osp.join(ROOT, path))
        assert cfg.model.target_generator.top_k == top_k
        assert cfg.model.head.attention_loss.tau == tau
        assert cfg.train_cfg.max_epochs == epochs
        warmup, cosine = cfg.param_scheduler
        assert (warmup.type, warmup.begin, warmup.end) == ('LinearLR', 0, 40)
        assert (cosine.type, cosine.begin, cosine.end, cosine.T_max) == \
            ('CosineAnnealingLR', 40, epochs, epochs - 40)
        assert cfg.train_dataloader.batch_size * 8 == 4096
        assert cfg.auto_scale_lr.base_batch_size == 4096
        optimizer = cfg.optim_wrapper.optimizer
        assert optimizer.lr == pytest.approx(2.4e-3)
        assert optimizer.betas == (0.9, 0.95)
        assert optimizer.weight_decay == 0.05
        assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
        assert cfg.model.backbone.mask_ratio == 0.75
        assert cfg.model.target_generator.last_layers == 2
        assert cfg.train_dataloader.dataset.type == 'ImageNet'


@pytest.mark.parametrize('path', sorted(FULL_SIZE))
def test_full_size_model_builds_and_runs(path, tmp_path):
    arch, heads, top_k, _, _ = FULL_SIZE[path]
    cfg = Config.fromfile(osp.join(ROOT, path))
    init_default_scope(cfg.default_scope)
    base = str(tmp_path / 'base.pth')
    write_mmpretrain_checkpoint(base, arch=arch, img=224, patch=16)
    cfg.model.target_generator.checkpoint = base
    model = MODELS.build(cfg.model)
    (base, ) = model.base_models.values()
    assert base.num_heads == heads
    with torch.no_grad():
        losses = model.loss(torch.randn(1, 3, 224, 224), None)
    assert set(losses) == {'loss_fea', 'loss_att'}
    assert all(torch.isfinite(v) for v in losses.values())


def test_two_base_config_builds_one_adapter_per_base(tmp_path):
    cfg = Config.fromfile(osp.join(ROOT, 'configs/tec_vitb_mae_ibot.py'))
    init_default_scope(cfg.default_scope)
    assert cfg.model.head.attention_loss.tau == dict(mae=1.8, ibot=1.0)
    for name in ('mae', 'ibot'):
        path = str(tmp_path / f'{name}.pth')
        write_mmpretrain_checkpoint(path, arch='b', img=224, patch=16)
        cfg.model.target_generator[name].checkpoint = path
    model = MODELS.build(cfg.model)
    assert {n: b.top_k for n, b in model.base_models.items()} == \
        dict(mae=15, ibot=9)
    assert sorted(model.neck.adapters) == ['ibot', 'mae']
    with torch.no_grad():
        losses = model.loss(torch.randn(2, 3, 224, 224), None)
    assert all(torch.isfinite(v) for v in losses.values())
