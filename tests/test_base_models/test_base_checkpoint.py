"""Every base-checkpoint format, numerically: a random ViT written in the
format's layout and naming, an independent plain-torch forward with that
format's own semantics (LayerScale, CLS position, grid resizing), and the
feature target of PatchRelationTarget compared at the checkpoint's own
resolution and at another one."""
import pytest
import torch

from base_formats import FORMATS, HEADS, W, write
from tec_mm import (BaseCheckpointError, PatchRelationTarget,
                    read_base_checkpoint)
from tec_mm.base_models.base_checkpoint import to_mmpretrain_names


@pytest.mark.parametrize('name', sorted(FORMATS))
def test_format_is_detected_and_heads_dropped(tmp_path, name):
    path, ref = write(tmp_path, name)
    ckpt = read_base_checkpoint(path)
    assert ckpt.format == FORMATS[name][-1]
    assert len(ckpt.state) == len(ref.state_dict())
    assert not any(k.startswith(('head', 'mask', 'fc_norm', 'decoder'))
                   for k in ckpt.state)


@pytest.mark.parametrize('name', sorted(FORMATS))
@pytest.mark.parametrize('resolution', ['checkpoint', 'other'])
def test_feature_target_matches_the_format_semantics(tmp_path, name,
                                                     resolution):
    path, ref = write(tmp_path, name)
    _, patch, size, other, _, _ = FORMATS[name]
    px = size if resolution == 'checkpoint' else other
    if name == 'dinov2' and resolution == 'checkpoint':
        px = 224  # DINOv2 is released at 518 px; TEC trains at 224
    target = PatchRelationTarget(
        path, arch=HEADS, img_size=px, top_k=3, with_attention=False)
    assert target.patch_resolution == (px // patch, px // patch)
    img = torch.randn(2, 3, px, px)
    with torch.no_grad():
        expected = ref.feature_target(img)
    torch.testing.assert_close(
        target(img)['feature'], expected, atol=1e-5, rtol=0)


def test_dino_teacher_is_used_and_student_reported(tmp_path):
    path, _ = write(tmp_path, 'dino')
    ckpt = read_base_checkpoint(path)
    assert 'student (the teacher is used)' in ckpt.dropped
    assert 'head.mlp.0.weight' in ckpt.dropped


def test_timm_names_map_to_mmpretrain_names():
    t = torch.zeros(1)
    state, dropped = to_mmpretrain_names({
        'patch_embed.proj.weight': t,
        'blocks.11.norm1.bias': t,
        'blocks.0.4.mlp.fc1.weight': t,  # DINOv2 block chunk
        'blocks.3.ls2.gamma': t,
        'blocks.3.gamma_1': t,  # older timm LayerScale
        'norm.weight': t,
        'masked_embed': t,
    })
    assert sorted(state) == sorted([
        'patch_embed.projection.weight', 'layers.11.ln1.bias',
        'layers.4.ffn.layers.0.0.weight', 'layers.3.ffn.gamma2.weight',
        'layers.3.attn.gamma1.weight', 'ln1.weight'
    ])
    assert dropped == ['masked_embed']


def test_unknown_format_names_the_keys_seen(tmp_path):
    path = str(tmp_path / 'odd.pth')
    torch.save({'epoch': 3, 'weights': [torch.ones(1)]}, path)
    with pytest.raises(BaseCheckpointError,
                       match=r"keys seen: \['epoch', 'weights'\]"):
        read_base_checkpoint(path)


def test_truncated_file_is_refused(tmp_path):
    path, _ = write(tmp_path, 'mae')
    with open(path, 'rb') as f:
        head = f.read(200)
    with open(path, 'wb') as f:
        f.write(head)
    with pytest.raises(BaseCheckpointError, match='cannot be read'):
        read_base_checkpoint(path)


def test_missing_and_unexpected_keys_are_listed(tmp_path):
    path, ref = write(tmp_path, 'timm-ddp')
    state = ref.state_dict()
    del state['blocks.1.norm2.weight']
    state['register_tokens'] = torch.zeros(1, 4, W)
    torch.save(state, path)
    with pytest.raises(BaseCheckpointError) as err:
        PatchRelationTarget(path, arch=HEADS, top_k=3)
    assert "missing keys ['layers.1.ln2.weight']" in str(err.value)
    assert "unexpected keys ['register_tokens']" in str(err.value)


def test_config_that_disagrees_with_the_weights_is_refused(tmp_path):
    path, _ = write(tmp_path, 'mae')
    with pytest.raises(BaseCheckpointError,
                       match="embed_dims.*768 in the config, 24 in the"):
        PatchRelationTarget(path, arch='b')
    with pytest.raises(BaseCheckpointError, match="patch_size.*14 in the"):
        PatchRelationTarget(path, arch=HEADS, patch_size=14)


def test_width_without_standard_heads_asks_for_them(tmp_path):
    path, _ = write(tmp_path, 'mae')
    with pytest.raises(BaseCheckpointError, match='arch=dict.num_heads=H'):
        PatchRelationTarget(path)


def test_a_tec_checkpoint_is_a_base_with_its_cls_mlp_folded(tmp_path):
    from tec_mm import export_backbone, save_backbone
    from tec_mm.registry import MODELS
    from tec_test_utils import IMG, PATCH, TINY_ARCH, tiny_tec_cfg, \
        write_mae_checkpoint
    write_mae_checkpoint(str(tmp_path / 'mae.pth'))
    torch.manual_seed(0)
    model = MODELS.build(tiny_tec_cfg(str(tmp_path / 'mae.pth')))
    model.init_weights()
    torch.save({'meta': {}, 'state_dict': model.state_dict()},
               tmp_path / 'tec.pth')
    exported, _ = export_backbone(model.state_dict())
    save_backbone(exported, str(tmp_path / 'plain.pth'))
    read = read_base_checkpoint(str(tmp_path / 'tec.pth'))
    assert read.format == 'tec'
    assert 'cls_mlp.0.weight (folded into cls_token)' in read.dropped
    images = torch.randn(2, 3, IMG, IMG)
    targets = [PatchRelationTarget(
        checkpoint=str(tmp_path / name), arch=TINY_ARCH, img_size=IMG,
        patch_size=PATCH, top_k=3)(images) for name in ('tec.pth',
                                                         'plain.pth')]
    for key in ('feature', 'attention', 'cls_attention'):
        torch.testing.assert_close(targets[0][key], targets[1][key])
    # the raw CLS token would be another base
    raw = dict(model.state_dict())
    raw = {k: v for k, v in raw.items() if 'cls_mlp' not in k}
    torch.save({'state_dict': raw}, tmp_path / 'raw.pth')
    other = PatchRelationTarget(checkpoint=str(tmp_path / 'raw.pth'),
                                arch=TINY_ARCH, img_size=IMG,
                                patch_size=PATCH, top_k=3)(images)
    assert not torch.allclose(other['feature'], targets[0]['feature'])
