"""MMSeg's MAE backbone started from an export: the same features as the
exported ViT where the recipe's own parts start neutral (layer scale 1,
zero relative position bias), every other key checked."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmpretrain.models import VisionTransformer
from mmseg.registry import MODELS

from tec_mm.downstream import mmseg_mae  # registers CheckedMAE
from tec_mm import save_backbone

ARCH = dict(embed_dims=24, num_layers=3, num_heads=2, feedforward_channels=96)


def vit(**kwargs) -> VisionTransformer:
    torch.manual_seed(0)
    return VisionTransformer(arch=dict(ARCH, **kwargs.pop('arch', {})),
                             img_size=32, patch_size=4, in_channels=1,
                             **kwargs)


def checked_mae(checkpoint, init_values=1.0, img=32):
    init_default_scope('mmseg')
    backbone = MODELS.build(dict(
        type='CheckedMAE', img_size=(img, img), patch_size=4, in_channels=1,
        embed_dims=24, num_layers=3, num_heads=2, mlp_ratio=4,
        init_values=init_values, out_indices=[0, 2],
        norm_cfg=dict(type='LN', eps=1e-6),
        init_cfg=dict(type='Pretrained', checkpoint=checkpoint)))
    backbone.init_weights()
    backbone.eval()
    return backbone


def test_the_export_gives_the_plain_vits_block_outputs(tmp_path):
    encoder = vit(out_type='featmap', out_indices=(0, 2), final_norm=False)
    encoder.eval()  # (VisionTransformer.train returns None)
    path = str(tmp_path / 'backbone.pth')
    save_backbone(encoder.state_dict(), path)
    backbone = checked_mae(path)
    images = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        expected, got = encoder(images), backbone(images)
    assert [o.shape for o in got] == [(2, 24, 8, 8)] * 2
    for a, b in zip(got, expected):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=0)
    # the recipe's layer scale (here 0.1) changes them: the check can fail
    with torch.no_grad():
        scaled = checked_mae(path, init_values=0.1)(images)
    assert not torch.allclose(scaled[1], expected[1], atol=1e-3)


def test_the_report_names_what_the_recipe_creates(tmp_path, monkeypatch):
    path = str(tmp_path / 'backbone.pth')
    save_backbone(vit().state_dict(), path)
    logged = []
    monkeypatch.setattr(mmseg_mae, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    checked_mae(path, img=64)  # 8 x 8 -> 16 x 16 position grid
    log = '\n'.join(logged)
    # cls token, position, the patch conv's 2 and 12 per block: 40 of the
    # export's 42, the final norm's 2 left out; 4 per block created
    assert (f'CheckedMAE: loaded 40 tensors from {path}; 12 created by the '
            "recipe (['attn.relative_position_bias_table', "
            "'attn.relative_position_index', 'gamma_1', 'gamma_2']), left "
            "out ['ln1.bias', 'ln1.weight']") in log


@pytest.mark.parametrize('state,message', [
    (dict(vit().state_dict(), **{'neck.weight': torch.zeros(1)}),
     r"unexpected: \['neck.weight'\]"),
    ({k: v for k, v in vit().state_dict().items()
      if not k.startswith('layers.1.')},
     r"missing or unexpected: \['layers.1.attn.proj.bias'"),
    (vit(arch=dict(feedforward_channels=48)).state_dict(),
     r"CheckedMAE: \['layers.0.ffn.layers.0.0.weight \(48, 24\) vs \(96, 24\)"),
])
def test_an_encoder_that_does_not_fit_is_refused(tmp_path, state, message):
    path = str(tmp_path / 'backbone.pth')
    save_backbone(state, path)
    with pytest.raises(ValueError, match=message):
        checked_mae(path)


def test_a_file_without_state_dict_is_refused(tmp_path):
    path = str(tmp_path / 'raw.pth')
    torch.save(vit().state_dict(), path)
    with pytest.raises(ValueError, match='not an MMEngine checkpoint'):
        checked_mae(path)
