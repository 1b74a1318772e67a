import copy

import pytest
import torch
from mmengine.optim import build_optim_wrapper

from tec_mm.registry import MODELS
from tec_test_utils import (IMG, PATCH, TINY_ARCH, tiny_tec_cfg,
                            write_mae_checkpoint)


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


def test_without_adapter_the_decoders_read_the_last_block(mae_checkpoint):
    torch.manual_seed(0)
    cfg = tiny_tec_cfg(mae_checkpoint[0])
    cfg['neck'] = dict(type='LastBlockNeck')
    cfg['target_generator']['name'] = 'ibot'  # any base: no adapter to pick
    cfg['head']['decoder']['base_names'] = ('ibot', )
    m = MODELS.build(cfg)
    m.init_weights()
    assert not list(m.neck.parameters())
    seen = []
    m.head.decoder.register_forward_hook(
        lambda mod, args, out: seen.append(args[0]))
    images = torch.randn(2, 3, IMG, IMG)
    torch.manual_seed(1)
    losses = m.loss(images, None)
    torch.manual_seed(1)
    last = m.backbone(images)[0][-1]
    torch.testing.assert_close(seen[0], last)
    sum(losses.values()).backward()
    assert m.backbone.layers[0].ln1.weight.grad is not None


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
    with pytest.raises(ValueError, match=r"model\.head\.decoder\."
                       r"target_heads=1 does not match the base models' "
                       r"head count \(2\)"):
        MODELS.build(cfg)
    cfg = tiny_tec_cfg(mae_checkpoint[0])
    cfg['target_generator']['name'] = 'ibot'
    cfg['neck']['base_names'] = ['mae']
    with pytest.raises(ValueError, match=r"model\.neck\.base_names=\['mae'\]"
                       r" does not match the base models' names"):
        MODELS.build(cfg)
    # left out, the names follow the base: one adapter, named 'ibot'
    del cfg['neck']['base_names']
    assert list(MODELS.build(cfg).neck.adapters) == ['ibot']
    cfg = tiny_tec_cfg(mae_checkpoint[0])
    cfg['target_generator']['with_attention'] = False
    with pytest.raises(ValueError, match='attention target'):
        MODELS.build(cfg)


def test_base_of_another_patch_size_gives_targets_on_the_new_grid(
        tmp_path):
    coarse = str(tmp_path / 'patch8.pth')
    write_mae_checkpoint(coarse, patch=8)  # 2 x 2 patches at 16 px
    cfg = tiny_tec_cfg(coarse)
    del cfg['target_generator']['patch_size']  # read from the checkpoint
    cfg['target_generator']['top_k'] = 1
    model = MODELS.build(cfg)
    base = model.base_models['mae']
    assert base.target_patch_size == PATCH  # filled from model.backbone
    targets = base(torch.randn(2, 3, IMG, IMG))
    assert targets['feature'].shape == (2, 16, TINY_ARCH['embed_dims'])
    assert targets['attention'].shape == (2, 2, TINY_ARCH['num_heads'], 16)
    losses = model.loss(torch.randn(2, 3, IMG, IMG), None)
    assert all(torch.isfinite(v) for v in losses.values())
    # a base built without the new model's patch size cannot be used
    from tec_mm import PatchRelationTarget
    cfg['target_generator'] = PatchRelationTarget(
        checkpoint=coarse, arch=TINY_ARCH, img_size=IMG, top_k=1)
    with pytest.raises(ValueError, match=r'patch grid: the base\'s targets '
                       r'come on a \(2, 2\) grid'):
        MODELS.build(cfg)


def test_bases_of_other_widths_and_depths(mae_checkpoint, tmp_path):
    """A wider, deeper base next to one of the new model's width: each
    feature prediction layer predicts its base's width; the loss is the
    feature loss of that prediction against that base's target."""
    wide_arch = dict(TINY_ARCH, embed_dims=32, num_layers=4,
                     feedforward_channels=64)
    wide = str(tmp_path / 'wide.pth')
    write_mae_checkpoint(wide, arch=wide_arch)
    cfg = two_base_cfg(mae_checkpoint[0], wide)
    cfg['target_generator']['ibot']['arch'] = wide_arch
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    decoder = model.head.decoder
    assert decoder.feature_pred['mae'].out_features == 24
    assert decoder.feature_pred['ibot'].out_features == 32
    assert model.backbone.embed_dims == 24  # nothing else changes
    images = torch.randn(4, 3, IMG, IMG)
    torch.manual_seed(1)
    losses = model.loss(images, None)
    torch.manual_seed(1)
    feats, mask, ids = model.backbone(images)
    targets = model.base_models['ibot'](images[2:])
    assert targets['feature'].shape == (2, 16, 32)
    pred, _ = decoder(model.neck([f[2:] for f in feats], 'ibot'), ids[2:],
                      'ibot', targets['indices'])
    ibot_fea = model.head.feature_loss(pred, targets['feature'], mask[2:])
    targets = model.base_models['mae'](images[:2])
    pred, _ = decoder(model.neck([f[:2] for f in feats], 'mae'), ids[:2],
                      'mae', targets['indices'])
    mae_fea = model.head.feature_loss(pred, targets['feature'], mask[:2])
    torch.testing.assert_close(losses['loss_fea'], (mae_fea + ibot_fea) / 2)


def two_base_cfg(mae_path, ibot_path):
    cfg = tiny_tec_cfg(mae_path)
    mae = cfg.pop('target_generator')
    cfg['target_generator'] = dict(
        mae=mae, ibot=dict(mae, checkpoint=ibot_path, top_k=2))
    cfg['neck']['base_names'] = ('mae', 'ibot')
    cfg['head']['decoder']['base_names'] = ('mae', 'ibot')
    cfg['head']['attention_loss']['tau'] = dict(mae=1.8, ibot=1.0)
    return cfg


def test_two_bases_share_each_batch(mae_checkpoint, tmp_path):
    ibot = str(tmp_path / 'ibot.pth')
    write_mae_checkpoint(ibot)  # other random weights
    torch.manual_seed(0)
    model = MODELS.build(two_base_cfg(mae_checkpoint[0], ibot))
    assert list(model.base_models) == ['mae', 'ibot']
    assert model.base_models['ibot'].top_k == 2
    images = torch.randn(5, 3, IMG, IMG)
    torch.manual_seed(1)
    losses = model.loss(images, None)

    # by hand: images 0-2 against mae, 3-4 against ibot, same masks
    torch.manual_seed(1)
    feats, mask, ids = model.backbone(images)
    expected = {'loss_fea': 0., 'loss_att': 0.}
    for name, part in (('mae', slice(0, 3)), ('ibot', slice(3, 5))):
        base = model.base_models[name]
        targets = base(images[part])
        assert targets['indices'].shape == (part.stop - part.start,
                                            base.top_k)
        got = model.head.loss(
            model.neck([f[part] for f in feats], name), ids[part],
            mask[part], targets, name)
        for key in expected:
            expected[key] += got[key] * (part.stop - part.start) / 5
    for key in expected:
        torch.testing.assert_close(losses[key], expected[key])

    sum(losses.values()).backward()
    for name in ('mae', 'ibot'):
        assert model.neck.adapters[name].ln_in.weight.grad is not None
    with pytest.raises(ValueError, match='cannot be shared by 2 base'):
        model.loss(images[:1], None)


def test_base_name_must_match_its_key(mae_checkpoint, tmp_path):
    cfg = two_base_cfg(mae_checkpoint[0], mae_checkpoint[0])
    cfg['target_generator']['ibot']['name'] = 'dino'
    with pytest.raises(ValueError, match="target_generator.ibot has name='dino'"):
        MODELS.build(cfg)


def test_new_model_init_does_not_depend_on_the_base(tmp_path):
    from tec_test_utils import write_mmpretrain_checkpoint
    paths = []
    for i, arch in enumerate((TINY_ARCH, dict(TINY_ARCH, num_layers=6))):
        paths.append(str(tmp_path / f'base{i}.pth'))
        write_mmpretrain_checkpoint(paths[-1], arch=arch)
    states = []
    for path in paths:
        torch.manual_seed(0)
        cfg = tiny_tec_cfg(path)
        cfg['target_generator']['arch'] = dict(num_heads=2)
        states.append(MODELS.build(cfg).state_dict())
    # a deeper base draws more numbers when built; the new model is the same
    assert states[0].keys() == states[1].keys()
    assert all(torch.equal(states[0][k], states[1][k]) for k in states[0])


def test_multi_mask_is_the_mean_of_single_masks_with_one_base_pass(
        mae_checkpoint, tmp_path):
    ibot = str(tmp_path / 'ibot.pth')
    write_mae_checkpoint(ibot)
    torch.manual_seed(0)
    single = MODELS.build(two_base_cfg(mae_checkpoint[0], ibot))
    multi = MODELS.build(dict(two_base_cfg(mae_checkpoint[0], ibot),
                              num_masks=3))
    multi.load_state_dict(single.state_dict())
    seen = []
    for base in multi.base_models.values():
        base.register_forward_hook(lambda m, args, out: seen.append(args[0]))
    images = torch.randn(5, 3, IMG, IMG)
    # the masks of the 3 views are the next 3 single steps' masks
    torch.manual_seed(1)
    views = [single.loss(images, None) for _ in range(3)]
    torch.manual_seed(1)
    losses = multi.loss(images, None)
    assert views[0]['loss_fea'] != views[1]['loss_fea']  # masks differ
    for key in ('loss_fea', 'loss_att'):
        torch.testing.assert_close(losses[key],
                                   sum(v[key] for v in views) / 3)
    # each base saw its part of the batch once, not once per view
    assert [len(x) for x in seen] == [3, 2]
    torch.testing.assert_close(torch.cat(seen), images)


def test_num_masks_must_be_a_positive_integer(mae_checkpoint):
    with pytest.raises(ValueError, match=r'model.num_masks=0 must be'):
        MODELS.build(dict(tiny_tec_cfg(mae_checkpoint[0]), num_masks=0))
