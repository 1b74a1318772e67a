"""ViTDet's backbone from an export: the plain ViT's map where every block
is global and the relative positions are zero; windowed blocks that see
only their window; every key checked."""
import pytest
import torch
from mmpretrain.models import VisionTransformer

from tec_mm import save_backbone
from tec_mm.downstream import vitdet_backbone
from tec_mm.registry import MODELS

ARCH = dict(embed_dims=24, num_layers=3, num_heads=2, feedforward_channels=96)


def vit() -> VisionTransformer:
    torch.manual_seed(0)
    encoder = VisionTransformer(arch=ARCH, img_size=32, patch_size=4,
                                in_channels=1, out_type='featmap',
                                final_norm=False)
    encoder.eval()  # (VisionTransformer.train returns None)
    return encoder


def vitdet(checkpoint, global_blocks=(0, 1, 2), img=32, window=4):
    backbone = MODELS.build(dict(
        type='ViTDetBackbone',
        arch=dict(ARCH, global_attn_indexes=list(global_blocks)),
        img_size=img, patch_size=4, in_channels=1, window_size=window,
        norm_cfg=dict(type='LN', eps=1e-6),
        init_cfg=dict(type='Pretrained', checkpoint=checkpoint)))
    backbone.init_weights()
    backbone.eval()
    return backbone


@pytest.fixture
def export(tmp_path):
    path = str(tmp_path / 'backbone.pth')
    encoder = vit()
    # a final norm, as the export of a pretraining run holds
    save_backbone(dict(encoder.state_dict(),
                       **{'ln1.weight': torch.ones(24),
                          'ln1.bias': torch.zeros(24)}), path)
    return path, encoder


def test_all_global_blocks_give_the_plain_vits_map_without_cls(export):
    path, encoder = export
    # the same ViT without its CLS token (ViTDet has none)
    plain = VisionTransformer(arch=ARCH, img_size=32, patch_size=4,
                              in_channels=1, out_type='featmap',
                              final_norm=False, with_cls_token=False)
    state = {k: v for k, v in encoder.state_dict().items()
             if k != 'cls_token'}
    state['pos_embed'] = state['pos_embed'][:, 1:]
    plain.load_state_dict(state)
    plain.eval()
    images = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        expected = plain(images)[-1]
        got = vitdet(path)(images)
    assert len(got) == 1 and got[0].shape == (2, 24, 8, 8)
    torch.testing.assert_close(got[0], expected, atol=1e-5, rtol=0)


def test_a_windowed_block_sees_only_its_window(export):
    path, _ = export
    backbone = vitdet(path, global_blocks=())  # 8 x 8 grid, 4 x 4 windows
    images = torch.randn(1, 1, 32, 32)
    changed = images.clone()
    changed[..., :16, :16] += 1.  # the top-left window's 4 x 4 patches
    with torch.no_grad():
        a, b = backbone(images)[0], backbone(changed)[0]
    assert not torch.allclose(a[..., :4, :4], b[..., :4, :4])
    torch.testing.assert_close(a[..., 4:, :], b[..., 4:, :], atol=0, rtol=0)
    torch.testing.assert_close(a[..., :, 4:], b[..., :, 4:], atol=0, rtol=0)
    with torch.no_grad():  # one global block lets it reach everywhere
        g = vitdet(path, global_blocks=(1, ))
        assert not torch.allclose(g(images)[0][..., 4:, 4:],
                                  g(changed)[0][..., 4:, 4:])


def test_the_report_names_what_the_recipe_creates(export, monkeypatch):
    path, _ = export
    logged = []
    monkeypatch.setattr(vitdet_backbone, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    backbone = vitdet(path, img=64)  # 8 x 8 -> 16 x 16 position grid
    assert backbone.pos_embed.shape == (1, 16, 16, 24)
    # position, the patch conv's 2 and 12 per block: 39 of the export's 42,
    # the CLS token and the final norm's 2 left out; 2 per block created
    assert logged == [
        f'ViTDetBackbone: loaded 39 tensors from {path}; 6 created by the '
        "recipe (['attn.rel_pos_h', 'attn.rel_pos_w']), left out "
        "['cls_token', 'ln1.bias', 'ln1.weight']"]


def test_an_encoder_that_does_not_fit_is_refused(tmp_path):
    path = str(tmp_path / 'backbone.pth')
    save_backbone(dict(vit().state_dict(), **{'head.fc.weight':
                                              torch.zeros(2)}), path)
    with pytest.raises(ValueError, match=r"unexpected: \['head.fc.weight'\]"):
        vitdet(path)
