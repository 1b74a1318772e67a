"""Every shipped config parses; every model config builds (random weights);
the downstream benchmark configs carry the reference recipes and take the
exported backbone with no missing and no unexpected key."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.models import VisionTransformer

from tec_mm import TECViT, export_backbone
from tec_mm.downstream.export_loading import load_export
from tec_mm.downstream.mmseg_mae import RECIPE_KEYS
from tec_mm.downstream.vitdet_backbone import CREATED as VITDET_CREATED
from tec_mm.downstream.vitdet_backbone import UNUSED as VITDET_UNUSED
from tec_mm.downstream.vitdet_backbone import grid_position
from tec_mm.registry import MODELS
from tec_test_utils import write_mmpretrain_checkpoint

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    osp.relpath(p, ROOT)
    for p in glob.glob(osp.join(ROOT, 'configs/**/*.py'), recursive=True)
    if '_base_' not in p)


BENCHMARKS = 'configs/benchmarks/'
FINETUNE = BENCHMARKS + 'vit-base-p16_tec-300e-from-mae-pre_8xb128-coslr-100e_in1k.py'
LINEAR = BENCHMARKS + 'vit-base-p16_tec-pre_8xb2048-linear-coslr-90e_in1k.py'
UPERNET = BENCHMARKS + \
    'upernet_vit-base-p16_tec-pre_8xb2-amp-160k_ade20k-512x512.py'
MASK_RCNN = BENCHMARKS + \
    'mask-rcnn_vit-base-p16_tec-pre_simple-fpn_8xb8-amp-lsj-100e_coco.py'
# parameter counts of every shipped model config, measured before the
# shared dimensions were derived from the backbone (a config that builds
# another model fails here)
PARAMETERS = {
    # MMDet's ViTDet recipe: ViTDet's backbone
    'configs/benchmarks/mask-rcnn_vit-base-p16_tec-pre_simple-fpn_8xb8-amp-lsj-100e_coco.py':
    113890224,
    # MMSeg's MAE recipe: its MAE backbone and Feature2Pyramid
    'configs/benchmarks/upernet_vit-base-p16_tec-pre_8xb2-amp-160k_ade20k-512x512.py':
    163877228,
    'configs/benchmarks/vit-base-p16_tec-100e-from-mae-300e-pre_8xb128-coslr-100e_in1k.py':
    86567656,
    'configs/benchmarks/vit-base-p16_tec-300e-from-ibot-pre_8xb128-coslr-100e_in1k.py':
    86567656,
    'configs/benchmarks/vit-base-p16_tec-300e-from-mae-pre_8xb128-coslr-100e_in1k.py':
    86567656,
    'configs/benchmarks/vit-base-p16_tec-800e-from-ibot-pre_8xb128-coslr-100e_in1k.py':
    86567656,
    'configs/benchmarks/vit-base-p16_tec-800e-from-mae-pre_8xb128-coslr-100e_in1k.py':
    86567656,
    'configs/benchmarks/vit-base-p16_tec-pre_8xb2048-linear-coslr-90e_in1k.py':
    86567656,
    'configs/benchmarks/vit-large-p16_tec-300e-from-mae-pre_8xb64-accum2-coslr-50e_in1k.py':
    304326632,
    'configs/demo/mae_vit-tiny-p4_fmnist.py':
    788368,
    'configs/demo/mask-rcnn_vit-tiny-p4_fashion-scenes.py':
    2078668,
    'configs/demo/tec_vit-tiny-p4_fmnist.py':
    1039296,
    'configs/demo/tec_vit-tiny-p4_fmnist_2bases.py':
    1213856,
    'configs/demo/tec_vit-tiny-p4_fmnist_other-patch-base.py':
    1039296,
    'configs/demo/upernet_vit-tiny-p4_fashion-scenes.py':
    1263308,
    'configs/demo/vit-tiny-p4_fmnist_finetune.py':
    678730,
    'configs/efficient_training/mae_vit-tiny-p4_fmnist_cyclic-lr.py':
    788368,
    'configs/efficient_training/mae_vit-tiny-p4_fmnist_progressive.py':
    788368,
    'configs/efficient_training/tec_vit-tiny-p4_fmnist_4-masks.py':
    1039296,
    'configs/efficient_training/tec_vit-tiny-p4_fmnist_cyclic-lr.py':
    1039296,
    'configs/efficient_training/tec_vit-tiny-p4_fmnist_efficient.py':
    1039296,
    'configs/efficient_training/tec_vit-tiny-p4_fmnist_hard-masks.py':
    1039296,
    'configs/efficient_training/tec_vit-tiny-p4_fmnist_progressive.py':
    1039296,
    'configs/efficient_training/tec_vit-base-p16_from-mae_4-masks_8xb128-amp-coslr-300e_in1k.py':
    118493440,
    'configs/efficient_training/tec_vit-base-p16_from-mae_8xb512-amp-cycliclr-300e_in1k.py':
    118493440,
    'configs/efficient_training/tec_vit-base-p16_from-mae_hard-masks_8xb512-amp-coslr-300e_in1k.py':
    118493440,
    'configs/efficient_training/tec_vit-base-p16_from-mae_progressive_8xb512-amp-coslr-300e_in1k.py':
    118493440,
    'configs/gated_subnetworks/mae_vit-tiny-p4_fmnist-30k_gated.py':
    788368 + 15768,
    # gated: + 6 blocks x (96*24 + 24 + 24*(4 + 8) + 12) gate parameters
    'configs/gated_subnetworks/mae_vit-tiny-p4_fmnist_gated.py':
    788368 + 15768,
    'configs/gated_subnetworks/tec_vit-tiny-p4_fmnist_gated.py':
    1039296 + 15768,
    # + 12 blocks x (768*192 + 192 + 192*(12 + 8) + 20)
    'configs/gated_subnetworks/tec_vit-base-p16_from-mae_gated_8xb512-amp-coslr-300e_in1k.py':
    118493440 + 1818096,
    'configs/gated_subnetworks/vit-tiny-p4_fmnist-60k_gated_finetune.py':
    678730 + 15768,
    # the mini ViT: 6 x 49984 per block + 4480 (patches, CLS, positions,
    # norm), with the tiny MAE's decoder from 64 wide (108560)
    'configs/sustainability/mae_vit-mini-p4_fmnist-10k_wsd.py':
    304384 + 108560,
    'configs/sustainability/mae_vit-tiny-p4_fmnist-10k_wsd.py':
    788368,
    'configs/sustainability/mae_vit-tiny-p4_fmnist-30k.py':
    788368,
    'configs/sustainability/tec_vit-mini-p4_fmnist-10k.py':
    550400,
    'configs/sustainability/tec_vit-tiny-p4_fmnist-10k.py':
    1039296,
    'configs/sustainability/tec_vit-tiny-p4_fmnist-30k.py':
    1039296,
    'configs/sustainability/tec_vit-tiny-p4_fmnist-30k_channel-norm.py':
    1039296,
    'configs/sustainability/tec_vit-tiny-p4_fmnist-30k_no-adapter.py':
    883456,
    'configs/sustainability/tec_vit-tiny-p4_fmnist-30k_no-attention.py':
    1020416,
    'configs/sustainability/time_to_accuracy/mae_vit-tiny-p4_fmnist-30k_cyclic-lr.py':
    788368,
    'configs/sustainability/time_to_accuracy/mae_vit-tiny-p4_fmnist-30k_efficient.py':
    788368,
    'configs/sustainability/time_to_accuracy/mae_vit-tiny-p4_fmnist-30k_progressive.py':
    788368,
    'configs/sustainability/time_to_accuracy/tec_vit-tiny-p4_fmnist-30k_2-masks.py':
    1039296,
    'configs/sustainability/time_to_accuracy/tec_vit-tiny-p4_fmnist-30k_cyclic-lr.py':
    1039296,
    'configs/sustainability/time_to_accuracy/tec_vit-tiny-p4_fmnist-30k_efficient.py':
    1039296,
    'configs/sustainability/time_to_accuracy/tec_vit-tiny-p4_fmnist-30k_hard-masks.py':
    1039296,
    'configs/sustainability/time_to_accuracy/tec_vit-tiny-p4_fmnist-30k_progressive.py':
    1039296,
    'configs/sustainability/vit-mini-p4_fmnist-50k_finetune-val.py':
    304384 + 650,
    'configs/sustainability/vit-mini-p4_fmnist-60k_finetune.py':
    304384 + 650,
    'configs/sustainability/vit-tiny-p4_fmnist-50k_finetune-val.py':
    678730,
    'configs/sustainability/vit-tiny-p4_fmnist-60k_finetune.py':
    678730,
    'configs/tec/tec_vit-base-p16_from-ibot_8xb512-amp-coslr-300e_in1k.py':
    118493440,
    'configs/tec/tec_vit-base-p16_from-ibot_8xb512-amp-coslr-800e_in1k.py':
    118493440,
    'configs/tec/tec_vit-base-p16_from-mae-300e_8xb512-amp-coslr-100e_in1k.py':
    118493440,
    'configs/tec/tec_vit-base-p16_from-mae-ibot_8xb512-amp-coslr-300e_in1k.py':
    139370496,
    'configs/tec/tec_vit-base-p16_from-mae_8xb256-accum2-amp-coslr-300e_in1k.py':
    118493440,
    'configs/tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py':
    118493440,
    'configs/tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-800e_in1k.py':
    118493440,
    # the official ViT-L: decoders and adapter 768 wide (379432960 at 512)
    'configs/tec/tec_vit-large-p16_from-mae_8xb512-amp-coslr-300e_in1k.py':
    405402112,
}
# downstream configs live in their library's scope, named by their model
SCOPES = {'upernet': 'mmseg', 'mask-rcnn': 'mmdet', 'vit-': 'mmpretrain'}


@pytest.mark.parametrize('path', CONFIGS)
def test_config_parses(path):
    cfg = Config.fromfile(osp.join(ROOT, path))
    name = osp.basename(path)
    assert cfg.default_scope == next(
        (s for prefix, s in SCOPES.items() if name.startswith(prefix)),
        'tec_mm')
    assert 'model' in cfg and 'train_dataloader' in cfg


def test_two_base_config_builds_one_adapter_per_base(tmp_path):
    cfg = Config.fromfile(osp.join(ROOT, 'configs/tec/tec_vit-base-p16_from-mae-ibot_8xb512-amp-coslr-300e_in1k.py'))
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


def test_downstream_recipes():
    linear = Config.fromfile(osp.join(ROOT, LINEAR))
    assert linear.model.backbone.frozen_stages == 12
    assert linear.optim_wrapper.optimizer.type == 'LARS'

    seg = Config.fromfile(osp.join(ROOT, UPERNET))  # MMSeg's MAE recipe
    backbone = seg.model.backbone
    assert (backbone.type, backbone.init_values) == ('CheckedMAE', 1.0)
    assert backbone.out_indices == [3, 5, 7, 11]  # blocks 4/6/8/12
    assert seg.model.neck.type == 'Feature2Pyramid'
    assert seg.model.neck.rescales == [4, 2, 1, 0.5]
    assert seg.train_dataloader.dataset.type == 'ADE20KDataset'
    assert seg.train_cfg.max_iters == 160000
    assert seg.val_evaluator.type == 'IoUMetric'
    assert seg.optim_wrapper.type == 'AmpOptimWrapper'
    assert seg.optim_wrapper.optimizer.lr == 1e-4
    assert seg.optim_wrapper.constructor == 'LayerDecayOptimizerConstructor'
    assert seg.optim_wrapper.paramwise_cfg == dict(num_layers=12,
                                                   layer_decay_rate=0.65)
    assert 'tta_pipeline' in seg and seg.crop_size == (512, 512)

    det = Config.fromfile(osp.join(ROOT, MASK_RCNN))  # MMDet's ViTDet
    backbone = det.model.backbone
    assert backbone.type == 'tec_mm.ViTDetBackbone'
    assert (backbone.window_size, backbone.arch.global_attn_indexes) == (
        14, [2, 5, 8, 11])
    assert backbone.use_rel_pos and backbone.norm_cfg.eps == 1e-6
    assert det.model.neck.type == 'tec_mm.SimpleFeaturePyramid'
    for head in ('bbox_head', 'mask_head'):
        assert det.model.roi_head[head].norm_cfg.type == 'mmpretrain.LN2d'
    resize, pad = det.test_dataloader.dataset.pipeline[1:3]
    assert (resize.scale, pad.size) == ((1024, 1024), (1024, 1024))
    assert det.train_dataloader.dataset.dataset.type == 'CocoDataset'
    assert det.val_evaluator.metric == ['bbox', 'segm']
    lsj = det.train_dataloader.dataset.dataset.pipeline[2]
    assert (lsj.type, lsj.scale, lsj.ratio_range) == ('RandomResize',
                                                      (1024, 1024), (0.1, 2.0))
    assert det.optim_wrapper.constructor == \
        'tec_mm.LayerDecayOptimWrapperConstructor'


@pytest.mark.parametrize('path,global_pool', [(FINETUNE, True),
                                              (LINEAR, False)])
def test_full_size_downstream_takes_the_export_exactly(path, global_pool):
    cfg = Config.fromfile(osp.join(ROOT, path))
    init_default_scope(cfg.default_scope)
    init = cfg.model.backbone.pop('init_cfg')
    assert (init.type, init.prefix) == ('Pretrained', 'backbone.')
    backbone = MODELS.build(cfg.model).backbone
    encoder = TECViT(arch='b', img_size=224)
    state = {f'backbone.{k}': v for k, v in encoder.state_dict().items()}
    exported, _ = export_backbone(state, global_pool)
    assert set(exported) == set(backbone.state_dict())


def backbone_and_export(config: str) -> tuple:
    """The backbone of a full-size downstream config and the export of a
    TEC ViT-B/16 encoder."""
    cfg = Config.fromfile(osp.join(ROOT, config))
    init_default_scope(cfg.default_scope)
    cfg.model.backbone.init_cfg = None
    backbone = MODELS.build(cfg.model).backbone
    encoder = TECViT(arch='b', img_size=224)
    state = {f'backbone.{k}': v for k, v in encoder.state_dict().items()}
    return backbone, export_backbone(state)[0]


def test_the_ade20k_backbone_misses_only_what_the_recipe_creates():
    backbone, exported = backbone_and_export(UPERNET)
    exported = backbone.resize_abs_pos_embed(exported)  # 14 x 14 -> 32 x 32
    report = load_export(backbone, exported, 'export', RECIPE_KEYS, ('ln1.', ))
    # cls token, position, the patch conv's 2 and 12 per block: 148 of the
    # export's 150, the final norm's 2 left out; 4 per block created
    assert report == (
        'CheckedMAE: loaded 148 tensors from export; 48 created by the recipe '
        "(['attn.relative_position_bias_table', 'attn.relative_position_"
        "index', 'gamma_1', 'gamma_2']), left out ['ln1.bias', 'ln1.weight']")


def test_the_coco_backbone_misses_only_what_the_recipe_creates():
    backbone, exported = backbone_and_export(MASK_RCNN)
    report = load_export(backbone, grid_position(exported), 'export',
                         VITDET_CREATED, VITDET_UNUSED)
    # position, the patch conv's 2 and 12 per block: 147 of the export's
    # 150, the CLS token and the final norm's 2 left out; 2 per block created
    assert report == (
        'ViTDetBackbone: loaded 147 tensors from export; 24 created by the '
        "recipe (['attn.rel_pos_h', 'attn.rel_pos_w']), left out "
        "['cls_token', 'ln1.bias', 'ln1.weight']")
    assert backbone.pos_embed.shape == (1, 64, 64, 768)  # 14 x 14 resized


def test_sustainability_arms_differ_only_where_they_should():
    arms = {
        osp.basename(p)[:-3]: Config.fromfile(p)
        for p in glob.glob(osp.join(ROOT, 'configs/sustainability/*30k*.py'))
    }
    assert len(arms) == 5
    # same data, augmentation, batch and optimizer in every arm
    for key in ('train_dataloader', 'optim_wrapper'):
        assert len({repr(c[key]) for c in arms.values()}) == 1, key
    assert next(iter(arms.values())).train_dataloader.dataset.indices \
        == 30000
    # E1 = 12 for the MAE base, E2 = 4 for TEC, one warm-up epoch; the
    # cosine phase ends with the run
    for name, cfg in arms.items():
        epochs, warm = (12, 1) if name.startswith('mae') else (4, 1)
        warmup, cosine = cfg.param_scheduler
        assert cfg.train_cfg.max_epochs == cosine.end == epochs, name
        assert (warmup.end, cosine.begin, cosine.T_max) == \
            (warm, warm, epochs - warm)
    tec = arms['tec_vit-tiny-p4_fmnist-30k'].model
    ablations = {
        'no-attention': ({'head', 'target_generator'}, lambda m: m.head.
                         attention_loss is None and m.target_generator.
                         with_attention is False),
        'channel-norm': ({'head'}, lambda m: m.head.feature_loss.get(
            'norm_dim') == 'channel'),
        'no-adapter': ({'neck'}, lambda m: m.neck == dict(
            type='LastBlockNeck')),
    }
    for tag, (sections, changed) in ablations.items():
        model = arms[f'tec_vit-tiny-p4_fmnist-30k_{tag}'].model
        assert changed(model) and not changed(tec), tag
        differ = {key for key in tec if model.get(key) != tec[key]}
        assert differ == sections, tag


def test_sustainability_finetuning_recipe():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/sustainability/'
                 'vit-tiny-p4_fmnist-60k_finetune.py'))
    data = cfg.train_dataloader.dataset
    assert (data.split, data.indices) == ('train', None)  # all 60k
    assert cfg.val_dataloader.dataset.split == 'test'
    assert cfg.model.train_cfg is None  # no mixup / cutmix
    assert cfg.model.head.loss.label_smooth_val == 0.1
    assert cfg.optim_wrapper.paramwise_cfg.layer_decay_rate == 0.65
    assert (cfg.train_cfg.max_epochs, cfg.train_cfg.val_interval) == (2, 1)


def random_bases(cfg: Config) -> None:
    """Give every base model of a TEC config random weights of the new
    encoder's size (a built ViT, no file)."""
    backbone = cfg.model.backbone
    generators = cfg.model.target_generator
    single = 'type' in generators
    for base in ([generators] if single else generators.values()):
        base.checkpoint = VisionTransformer(
            arch=backbone.arch, img_size=backbone.img_size,
            patch_size=backbone.patch_size,
            in_channels=backbone.get('in_channels', 3))


def test_every_model_config_has_its_parameter_count():
    assert set(PARAMETERS) == set(CONFIGS)


@pytest.mark.parametrize('path', sorted(PARAMETERS))
def test_every_config_keeps_its_parameter_count(path):
    cfg = Config.fromfile(osp.join(ROOT, path))
    scope = cfg.get('default_scope', 'tec_mm')
    init_default_scope(scope)
    if 'target_generator' in cfg.model:
        random_bases(cfg)
    model = MODELS.build(cfg.model)  # in the config's scope
    assert sum(p.numel() for p in model.parameters()) == PARAMETERS[path]
