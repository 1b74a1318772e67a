import torch
import torch.nn.functional as F

from tec_mm import TECViT
from tec_mm.tec.tec_decoder import unshuffle
from tec_test_utils import IMG, PATCH, TINY_ARCH


def build(**kwargs):
    vit = TECViT(arch=TINY_ARCH, img_size=IMG, patch_size=PATCH, **kwargs)
    vit.init_weights()
    return vit


def test_mask_ratio_and_unshuffle():
    torch.manual_seed(0)
    vit = build(mask_ratio=0.75)
    outs, mask, ids_restore = vit(torch.randn(3, 3, IMG, IMG))
    # 16 patches, 75 % masked -> 4 visible + CLS
    assert len(outs) == TINY_ARCH['num_layers']
    assert all(o.shape == (3, 5, TINY_ARCH['embed_dims']) for o in outs)
    assert mask.shape == (3, 16)
    assert mask.sum(1).tolist() == [12, 12, 12]
    # per-sample masks differ (argsort of independent noise)
    assert not torch.equal(mask[0], mask[1])
    # ids_restore is a permutation; the first 4 shuffled positions are the
    # visible patches, i.e. mask == 0 exactly where ids_restore < 4
    assert torch.equal(ids_restore.sort(1).values,
                       torch.arange(16).expand(3, -1))
    assert torch.equal(mask == 0, ids_restore < 4)


def test_unshuffle_puts_tokens_back_and_fills_mask_token():
    # 1 image, 4 patches, 1 visible: patch 2 (shuffle order 2, 0, 1, 3)
    ids_shuffle = torch.tensor([[2, 0, 1, 3]])
    ids_restore = ids_shuffle.argsort(1)
    tokens = torch.tensor([[[10.], [22.]]])  # CLS, visible patch 2
    out = unshuffle(tokens, torch.full((1, 1, 1), -1.), ids_restore)
    assert out.squeeze(-1).tolist() == [[10., -1., -1., 22., -1.]]


def test_visible_tokens_carry_their_patch_embedding():
    torch.manual_seed(0)
    vit = build(mask_ratio=0.5)
    img = torch.randn(2, 3, IMG, IMG)
    captured = {}
    vit.layers[0].register_forward_pre_hook(
        lambda m, args: captured.setdefault('x', args[0]))
    _, mask, ids_restore = vit(img)
    full = vit.patch_embed(img)[0] + vit.pos_embed[:, 1:]
    keep = ids_restore.argsort(1)[:, :8]
    expected = full.gather(1, keep[..., None].expand(-1, -1, full.shape[-1]))
    torch.testing.assert_close(captured['x'][:, 1:], expected)


def test_cls_token_is_mlp_of_parameter():
    vit = build()
    mlp = vit.cls_mlp
    c = vit.cls_token
    hand = F.linear(
        F.gelu(F.linear(c, mlp[0].weight, mlp[0].bias)), mlp[2].weight,
        mlp[2].bias)
    assert mlp[0].weight.shape == (4 * 24, 24)  # C -> 4C -> C
    torch.testing.assert_close(vit.cls_embedding(), hand)
    captured = {}
    vit.layers[0].register_forward_pre_hook(
        lambda m, args: captured.setdefault('x', args[0]))
    vit(torch.randn(2, 3, IMG, IMG))
    torch.testing.assert_close(captured['x'][:, 0],
                               (hand + vit.pos_embed[:, :1])[:, 0].expand(
                                   2, -1))


def test_last_output_normalised_others_raw():
    torch.manual_seed(0)
    vit = build()
    raw = []
    for layer in vit.layers:
        layer.register_forward_hook(lambda m, a, out: raw.append(out))
    outs, _, _ = vit(torch.randn(2, 3, IMG, IMG))
    for got, want in zip(outs[:-1], raw[:-1]):
        assert torch.equal(got, want)
    torch.testing.assert_close(outs[-1], vit.ln1(raw[-1]))


def test_unmasked_forward_uses_all_patches():
    vit = build()
    (tokens, ) = vit(torch.randn(2, 3, IMG, IMG), mask=None)
    assert tokens.shape == (2, 17, TINY_ARCH['embed_dims'])


def test_sincos_position_embedding_is_fixed():
    vit = build()
    assert not vit.pos_embed.requires_grad
    # row 0 (CLS) of MAE's sin-cos table is zeros
    assert torch.count_nonzero(vit.pos_embed[0, 0]) == 0
