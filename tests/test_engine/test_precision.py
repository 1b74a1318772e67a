import pytest
import torch
from mmengine.config import Config
from torch import nn

from tec_mm.engine import (BF16OptimWrapper, cpu_bf16_autocast,
                           fall_back_to_fp32_without_cuda, use_amp)


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


def test_bf16_amp_autocasts_on_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    cfg = Config(dict(optim_wrapper=dict(
        type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3))))
    use_amp(cfg, 'bf16')
    assert cfg.optim_wrapper.dtype == 'bfloat16'
    assert 'loss_scale' not in cfg.optim_wrapper
    fall_back_to_fp32_without_cuda(cfg)
    assert cfg.optim_wrapper.type == (
        'tec_mm.BF16OptimWrapper' if cpu_bf16_autocast() else 'OptimWrapper')
    assert 'dtype' not in cfg.optim_wrapper


@pytest.mark.skipif(not cpu_bf16_autocast(),
                    reason='this torch has no bfloat16 autocast on CPU')
def test_bf16_wrapper_step_on_cpu():
    torch.manual_seed(0)
    model = nn.Linear(8, 4)
    wrapper = BF16OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    x = torch.randn(3, 8)
    with wrapper.optim_context(model):
        out = model(x)
    assert out.dtype == torch.bfloat16
    before = model.weight.detach().clone()
    bias = model.bias.detach().clone()
    wrapper.update_params(out.float().pow(2).mean())
    # parameters stay float32 and move by lr x the float32 gradient of the
    # bf16 forward, close to the fp32 gradient
    assert model.weight.dtype == torch.float32
    model32 = nn.Linear(8, 4)
    model32.load_state_dict({'weight': before, 'bias': bias})
    model32(x).pow(2).mean().backward()
    torch.testing.assert_close(before - model.weight.detach(),
                               0.1 * model32.weight.grad, atol=2e-3,
                               rtol=2e-2)
