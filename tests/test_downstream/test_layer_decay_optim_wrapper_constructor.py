"""Layer-wise lr decay for MMPretrain's ViT inside MMPretrain and MMDet
models, and in any model holding one: the lr of every parameter against
hand-computed powers. (The ADE20K recipe uses MMSeg's own constructor for
MMSeg's MAE backbone.)"""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODELS, init_default_scope
from mmpretrain.engine.optimizers import \
    LearningRateDecayOptimWrapperConstructor
from torch import nn

from tec_mm.downstream import LayerDecayOptimWrapperConstructor

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DET = osp.join(ROOT, 'configs/demo/mask-rcnn_vit-tiny-p4_fashion-scenes.py')
FINETUNE = osp.join(ROOT, 'configs/benchmarks/'
                    'vit-base-p16_tec-300e-from-mae-pre_8xb128-coslr-100e_in1k.py')
LR, DECAY, DEPTH = 1.0, 0.5, 6  # the tiny ViT has 6 blocks

PARAMWISE = dict(
    layer_decay_rate=DECAY,
    flat_decay_mult=0.0,
    custom_keys={'.pos_embed': dict(decay_mult=0.0)})


def build_model(config, **backbone):
    cfg = Config.fromfile(config)
    init_default_scope(cfg.default_scope)
    cfg.model.backbone.update(init_cfg=None, **backbone)
    return MODELS.build(cfg.model)


def groups(model):
    """{parameter name: (lr, weight decay)} from the constructor."""
    wrapper = LayerDecayOptimWrapperConstructor(
        dict(
            type='OptimWrapper',
            optimizer=dict(type='AdamW', lr=LR, weight_decay=0.05)),
        PARAMWISE)(model)
    return {
        g['param_name']: (g['lr'], g['weight_decay'])
        for g in wrapper.optimizer.param_groups
    }


def expected_lr(depth):
    """lr * decay ** (L + 1 - depth): depth 0 stem, i + 1 block i, L + 1
    everything after the blocks."""
    return LR * DECAY**(DEPTH + 1 - depth)


def test_depths_inside_an_mmdet_model():
    lrs = groups(build_model(DET))
    assert lrs['backbone.patch_embed.projection.weight'][0] == DECAY**7
    assert lrs['backbone.pos_embed'][0] == expected_lr(0)
    for i in range(DEPTH):  # ViTDet's backbone: its relative positions too
        for name in ('attn.qkv.weight', 'attn.rel_pos_h'):
            lr, _ = lrs[f'backbone.layers.{i}.{name}']
            assert lr == pytest.approx(expected_lr(i + 1))
    assert lrs['backbone.layers.5.attn.qkv.weight'][0] == 0.5  # last block
    neck = [lr for name, (lr, _) in lrs.items() if name.startswith('neck.')]
    assert neck and set(neck) == {LR}
    assert lrs['roi_head.bbox_head.fc_cls.weight'] == (LR, 0.05)
    # no weight decay on 1-D parameters and the position embedding
    assert lrs['backbone.layers.0.ln1.weight'][1] == 0.0
    assert lrs['backbone.pos_embed'][1] == 0.0


def test_mmpretrains_constructor_rejects_an_mmdet_model():
    model = build_model(DET)
    with pytest.raises(NotImplementedError, match='get_layer_depth'):
        LearningRateDecayOptimWrapperConstructor(
            dict(
                type='OptimWrapper',
                optimizer=dict(type='AdamW', lr=LR, weight_decay=0.05)),
            PARAMWISE)(model)


def test_same_as_mmpretrains_constructor_on_an_image_classifier():
    model = build_model(FINETUNE, arch='deit-tiny', img_size=32)
    ours = groups(model)
    stock = {
        g['param_name']: (g['lr'], g['weight_decay'])
        for g in LearningRateDecayOptimWrapperConstructor(
            dict(
                type='OptimWrapper',
                optimizer=dict(type='AdamW', lr=LR, weight_decay=0.05)),
            PARAMWISE)(model).optimizer.param_groups
    }
    assert ours == stock
    assert ours['backbone.layers.0.attn.qkv.weight'][0] == DECAY**12


def test_nested_backbone_and_missing_backbone():
    outer = nn.Module()
    outer.detector = build_model(DET)
    lrs = groups(outer)
    assert lrs['detector.backbone.layers.0.attn.qkv.weight'][0] == DECAY**6
    assert lrs['detector.roi_head.bbox_head.fc_cls.weight'][0] == LR
    with pytest.raises(TypeError, match='get_layer_depth'):
        groups(nn.Sequential(nn.Linear(2, 2)))


def test_configs_build_it_by_name_in_every_scope():
    for config in (DET, FINETUNE):
        cfg = Config.fromfile(config)
        init_default_scope(cfg.default_scope)
        cfg.model.backbone.init_cfg = None
        if config == FINETUNE:
            cfg.model.backbone.update(arch='deit-tiny', img_size=32)
        cfg.optim_wrapper.type = 'OptimWrapper'
        cfg.optim_wrapper.pop('loss_scale', None)
        wrapper = build_optim_wrapper(MODELS.build(cfg.model),
                                      cfg.optim_wrapper)
        blocks = 12 if config == FINETUNE else DEPTH
        # one lr per depth: stem, every block, everything after
        assert len({g['lr'] for g in wrapper.optimizer.param_groups
                    }) == blocks + 2
