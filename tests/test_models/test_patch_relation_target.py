import pytest
import torch

from tec_mm.models import BaseCheckpointError, PatchRelationTarget
from tec_test_utils import (IMG, PATCH, TINY_ARCH, write_mae_checkpoint,
                            write_mmpretrain_checkpoint)


def build(checkpoint, **kwargs):
    return PatchRelationTarget(
        checkpoint=checkpoint, arch=TINY_ARCH, img_size=IMG,
        patch_size=PATCH, top_k=3, **kwargs)


def test_mae_format_matches_reference_vit(mae_checkpoint):
    path, ref = mae_checkpoint
    target = build(path)
    img = torch.randn(2, 3, IMG, IMG)
    out = target(img)
    ref_outs, ref_logits = ref(img)

    # feature: mean of the last 2 raw block outputs, CLS dropped, no norm
    expected = (ref_outs[-1][:, 1:] + ref_outs[-2][:, 1:]) / 2
    assert out['feature'].shape == (2, 16, TINY_ARCH['embed_dims'])
    torch.testing.assert_close(out['feature'], expected, atol=1e-5, rtol=0)

    # indices: top-3 of the head-averaged CLS -> patch logits
    cls_row = ref_logits[-1][:, :, 0, 1:].mean(1)
    expected_idx = cls_row.topk(3, dim=-1).indices
    assert torch.equal(out['indices'], expected_idx)

    # attention: rows CLS + top-3 patches, columns the 16 patch keys
    rows = torch.cat([torch.zeros(2, 1, dtype=torch.long), expected_idx + 1],
                     1)
    expected_att = torch.stack([
        ref_logits[-1][b][:, rows[b], 1:].transpose(0, 1) for b in range(2)
    ])
    assert out['attention'].shape == (2, 4, TINY_ARCH['num_heads'], 16)
    torch.testing.assert_close(
        out['attention'], expected_att, atol=1e-5, rtol=0)


def test_last_layers_one_is_last_block(mae_checkpoint):
    path, ref = mae_checkpoint
    img = torch.randn(1, 3, IMG, IMG)
    out = build(path, last_layers=1, with_attention=False)(img)
    assert set(out) == {'feature'}
    torch.testing.assert_close(
        out['feature'], ref(img)[0][-1][:, 1:], atol=1e-5, rtol=0)


def test_mmpretrain_format_loads(tmp_path):
    path = str(tmp_path / 'mmpretrain.pth')
    vit = write_mmpretrain_checkpoint(path)
    target = build(path)
    own = target.state_dict()
    for key, value in own.items():
        assert torch.equal(value, vit.state_dict()[key]), key


def test_plain_timm_state_dict_with_module_prefix(tmp_path, mae_checkpoint):
    path, ref = mae_checkpoint
    plain = str(tmp_path / 'plain.pth')
    torch.save({f'module.{k}': v for k, v in ref.state_dict().items()}, plain)
    img = torch.randn(1, 3, IMG, IMG)
    torch.testing.assert_close(
        build(plain)(img)['feature'], build(path)(img)['feature'])


def test_frozen_and_always_eval(mae_checkpoint):
    target = build(mae_checkpoint[0])
    assert not any(p.requires_grad for p in target.parameters())
    target.train()
    assert not target.training
    assert not any(m.training for m in target.modules())
    out = target(torch.randn(1, 3, IMG, IMG, requires_grad=True))
    assert not out['feature'].requires_grad


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='target_generator.checkpoint'):
        build(str(tmp_path / 'nope.pth'))
    with pytest.raises(ValueError, match='target_generator.checkpoint=PATH'):
        build(None)


def test_wrong_architecture_lists_keys(mae_checkpoint):
    deeper = dict(TINY_ARCH, num_layers=4)
    with pytest.raises(BaseCheckpointError, match=r"missing keys \['layers.3"):
        PatchRelationTarget(
            checkpoint=mae_checkpoint[0], arch=deeper, img_size=IMG,
            patch_size=PATCH)


def test_unknown_layout_names_keys(tmp_path):
    path = str(tmp_path / 'odd.pth')
    torch.save({'weights': {'a': torch.zeros(1)}, 'epoch': 3}, path)
    with pytest.raises(BaseCheckpointError, match=r"\['epoch', 'weights'\]"):
        build(path)


def test_truncated_file_is_refused(tmp_path, mae_checkpoint):
    path = str(tmp_path / 'cut.pth')
    with open(mae_checkpoint[0], 'rb') as src, open(path, 'wb') as dst:
        dst.write(src.read()[:1000])
    with pytest.raises(BaseCheckpointError, match='cannot be read'):
        build(path)


def test_base_grid_follows_new_resolution(tmp_path):
    # a 16 px checkpoint (4x4 grid) used at 32 px (8x8 grid): interpolated
    path = str(tmp_path / 'small.pth')
    write_mae_checkpoint(path)
    target = PatchRelationTarget(
        checkpoint=path, arch=TINY_ARCH, img_size=32, patch_size=PATCH,
        top_k=3)
    assert target.pos_embed.shape == (1, 65, TINY_ARCH['embed_dims'])
    assert target(torch.randn(1, 3, 32, 32))['feature'].shape[1] == 64
