import torch
from mmengine.config import Config

from tec_mm.engine import fall_back_to_fp32_without_cuda, use_amp


def amp_cfg():
    return Config(
        dict(
            optim_wrapper=dict(
                type='AmpOptimWrapper',
                loss_scale='dynamic',
                optimizer=dict(type='AdamW', lr=1e-3))))


def test_amp_falls_back_to_fp32_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    cfg = amp_cfg()
    fall_back_to_fp32_without_cuda(cfg)
    assert cfg.optim_wrapper.type == 'OptimWrapper'
    assert 'loss_scale' not in cfg.optim_wrapper
    assert cfg.optim_wrapper.optimizer.lr == 1e-3


def test_amp_kept_with_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = amp_cfg()
    fall_back_to_fp32_without_cuda(cfg)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'


def test_use_amp_switches_wrapper():
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper')))
    use_amp(cfg)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
