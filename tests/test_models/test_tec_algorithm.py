import copy

import pytest
import torch
from mmengine.optim import build_optim_wrapper

from tec_mm.registry import MODELS
from tec_test_utils import IMG, tiny_tec_cfg


@pytest.fixture
def model(mae_checkpoint):
    torch.manual_seed(0)
    m = MODELS.build(tiny_tec_cfg(mae_checkpoint[0]))
    m.init_weights()
    return m


def test_loss_dict_and_gradients(model):
    losses = model.loss(torch.randn(2, 3, IMG, IMG), None)
    assert set(losses) == {'loss_fea', 'loss_att'}
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    assert model.backbone.cls_mlp[0].weight.grad is not None
    assert model.neck.adapters['mae'].ln_in.weight.grad is not None
    assert all(p.grad is None for p in model.base_models['mae'].parameters())


def test_feature_only_variant(mae_checkpoint):
    m = MODELS.build(tiny_tec_cfg(mae_checkpoint[0], attention=False))
    assert set(m.loss(torch.randn(2, 3, IMG, IMG), None)) == {'loss_fea'}


def test_base_is_outside_the_module_tree(model):
    base = model.base_models['mae']
    base_params = {id(p) for p in base.parameters()}
    assert base_params
    assert not base_params & {id(p) for p in model.parameters()}
    assert not any(k.startswith(('target_generator', 'base_models'))
                   for k in model.state_dict())
    assert all(m is not base for m in model.modules())
    wrapper = build_optim_wrapper(
        model,
        dict(
            type='OptimWrapper',
            optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
            paramwise_cfg=dict(norm_decay_mult=0.)))
    in_optimizer = {
        id(p)
        for group in wrapper.optimizer.param_groups for p in group['params']
    }
    assert not base_params & in_optimizer


def test_train_mode_does_not_reach_base_but_dtype_moves_do(model):
    model.train()
    assert model.backbone.training
    assert not model.base_models['mae'].training
    model.double()
    assert model.base_models['mae'].cls_token.dtype == torch.float64
    assert not model.base_models['mae'].cls_token.requires_grad
    assert copy.deepcopy(model).base_models['mae'] is not \
        model.base_models['mae']


def test_incompatible_base_is_refused(mae_checkpoint):
    cfg = tiny_tec_cfg(mae_checkpoint[0])
    cfg['head']['decoder']['target_heads'] = 1
    with pytest.raises(ValueError, match='heads: base 2, decoder'):
        MODELS.build(cfg)
    cfg = tiny_tec_cfg(mae_checkpoint[0])
    cfg['target_generator']['name'] = 'ibot'
    with pytest.raises(ValueError, match="no adapter for base 'ibot'"):
        MODELS.build(cfg)
    cfg = tiny_tec_cfg(mae_checkpoint[0])
    cfg['target_generator']['with_attention'] = False
    with pytest.raises(ValueError, match='attention target'):
        MODELS.build(cfg)
