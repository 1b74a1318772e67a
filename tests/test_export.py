"""Export of a TEC encoder as a plain ViT: the folded CLS token by hand, the
kept and dropped keys, and the same features from MMPretrain's ViT."""
import math

import pytest
import torch
from mmpretrain.models import VisionTransformer

from tec_mm import TECViT, export_backbone, fold_cls_mlp
from tec_mm.base_models.tec_format import CLS_MLP_KEYS
from tec_test_utils import IMG, PATCH, TINY_ARCH


def tec_state(encoder: TECViT) -> dict:
    """A pretraining state dict: the encoder plus neck/head weights."""
    state = {f'backbone.{k}': v for k, v in encoder.state_dict().items()}
    state['neck.adapters.0.weight'] = torch.zeros(2, 2)
    state['head.decoder.mask_token'] = torch.zeros(1, 1, 2)
    return state


def test_fold_cls_mlp_by_hand():
    # cls = [1, -1]; layer 1 identity -> GELU([1, -1]) = [0.8413, -0.1587];
    # layer 2 sums both into the first entry and adds b2 = [0, 0.5].
    state = {
        'cls_token': torch.tensor([[[1., -1.]]]),
        'cls_mlp.0.weight': torch.eye(2),
        'cls_mlp.0.bias': torch.zeros(2),
        'cls_mlp.2.weight': torch.tensor([[1., 1.], [0., 0.]]),
        'cls_mlp.2.bias': torch.tensor([0., .5]),
    }
    gelu = [x * 0.5 * (1 + math.erf(x / math.sqrt(2))) for x in (1., -1.)]
    expected = torch.tensor([[[gelu[0] + gelu[1], 0.5]]])
    assert torch.allclose(fold_cls_mlp(state), expected, atol=1e-6)
    assert abs(expected[0, 0, 0].item() - 0.6827) < 1e-4


def test_the_format_names_the_encoders_cls_mlp():
    encoder = TECViT(arch=TINY_ARCH, img_size=IMG, patch_size=PATCH)
    assert sorted(k for k in encoder.state_dict()
                  if k.startswith('cls_mlp.')) == sorted(CLS_MLP_KEYS)


@pytest.mark.parametrize('global_pool', [False, True])
def test_keys_kept_and_dropped(global_pool):
    torch.manual_seed(0)
    encoder = TECViT(arch=TINY_ARCH, img_size=IMG, patch_size=PATCH)
    state, dropped = export_backbone(tec_state(encoder), global_pool)
    assert not any(k.startswith('cls_mlp') for k in state)
    assert ('ln1.weight' in state) is not global_pool
    if global_pool:  # the fresh pooled-feature norm of MAE fine-tuning
        assert torch.equal(state['ln2.weight'], torch.ones(24))
        assert torch.equal(state['ln2.bias'], torch.zeros(24))
    assert 'neck.adapters.0.weight' in dropped
    assert 'head.decoder.mask_token' in dropped
    assert 'backbone.cls_mlp.0.weight' in dropped
    assert ('backbone.ln1.weight' in dropped) is global_pool
    assert torch.equal(state['layers.0.attn.qkv.weight'],
                       encoder.layers[0].attn.qkv.weight)


def test_plain_vit_gives_the_tec_encoders_features():
    torch.manual_seed(0)
    encoder = TECViT(arch=TINY_ARCH, img_size=IMG, patch_size=PATCH)
    encoder.init_weights()
    torch.nn.init.normal_(encoder.cls_token, std=1.)
    state, _ = export_backbone(tec_state(encoder))
    vit = VisionTransformer(
        arch=TINY_ARCH, img_size=IMG, patch_size=PATCH, out_type='raw')
    vit.load_state_dict(state, strict=True)  # 0 missing, 0 unexpected
    encoder.eval(), vit.eval()
    x = torch.randn(2, 3, IMG, IMG)
    with torch.no_grad():
        expected = encoder(x, mask=False)[0]
        got = vit(x)[0]
    assert got.shape == (2, 1 + (IMG // PATCH)**2, TINY_ARCH['embed_dims'])
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    # the CLS position really carries the MLP's output, not the raw token
    assert not torch.allclose(state['cls_token'], encoder.cls_token)


def test_mae_encoder_without_cls_mlp_is_kept_as_is():
    state = {
        'backbone.cls_token': torch.ones(1, 1, 4),
        'backbone.patch_embed.projection.weight': torch.ones(4, 3, 2, 2),
        'neck.mask_token': torch.zeros(1, 1, 4)
    }
    out, dropped = export_backbone(state)
    assert torch.equal(out['cls_token'], torch.ones(1, 1, 4))
    assert dropped == ['neck.mask_token']


def test_refusals():
    with pytest.raises(ValueError, match='no ViT encoder under "backbone."'):
        export_backbone({'encoder.cls_token': torch.zeros(1, 1, 4)})
    with pytest.raises(ValueError, match='incomplete CLS MLP'):
        export_backbone({
            'backbone.cls_token': torch.zeros(1, 1, 4),
            'backbone.patch_embed.projection.weight': torch.zeros(4, 3, 2, 2),
            'backbone.cls_mlp.0.weight': torch.zeros(8, 4)
        })
