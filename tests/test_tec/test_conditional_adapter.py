import pytest
import torch
import torch.nn.functional as F

from tec_mm import ConditionalAdapter


def hand_adapter(adapter, feats):
    """The encoder adapter written out with its own weights."""
    C = feats[0].shape[-1]
    x = torch.cat(feats, -1)
    x = F.layer_norm(x, (x.shape[-1], ), adapter.ln_in.weight,
                     adapter.ln_in.bias, 1e-6)
    total = 0
    for g, (proj, mlp) in enumerate(zip(adapter.group_proj,
                                        adapter.group_mlp)):
        chunk = x[..., 3 * C * g:3 * C * (g + 1)]
        h = chunk @ proj.weight.T + proj.bias
        m = F.gelu(h @ mlp[0].weight.T + mlp[0].bias)
        total = total + h + (m @ mlp[2].weight.T + mlp[2].bias)
    return F.layer_norm(total, (C, ), adapter.ln_out.weight,
                        adapter.ln_out.bias, 1e-6)


def test_groups_of_three_blocks_match_hand_computation():
    torch.manual_seed(0)
    neck = ConditionalAdapter(
        embed_dims=8, num_layers=6, decoder_embed_dims=4,
        base_names=('mae', 'ibot'))
    for p in neck.parameters():
        torch.nn.init.normal_(p)
    feats = [torch.randn(2, 5, 8) for _ in range(6)]
    adapter = neck.adapters['ibot']
    assert len(adapter.group_proj) == 2
    assert adapter.group_proj[0].weight.shape == (8, 24)  # 3C -> C
    assert adapter.group_mlp[0][0].weight.shape == (16, 8)  # C -> 4 D_dec
    torch.testing.assert_close(neck(feats, 'ibot'), hand_adapter(
        adapter, feats))
    # the adapter is picked by the base model
    assert not torch.allclose(neck(feats, 'mae'), neck(feats, 'ibot'))


def test_block_order_matters():
    torch.manual_seed(0)
    neck = ConditionalAdapter(embed_dims=4, num_layers=6, base_names=('a', ))
    feats = [torch.randn(1, 2, 4) for _ in range(6)]
    assert not torch.allclose(neck(feats, 'a'), neck(feats[::-1], 'a'))


def test_vit_b_adapter_is_about_20m_parameters():
    neck = ConditionalAdapter()
    n = sum(p.numel() for p in neck.parameters())
    assert 19e6 < n < 21e6


def test_unknown_base_and_bad_depth_are_refused():
    neck = ConditionalAdapter(embed_dims=4, num_layers=3, base_names=('a', ))
    with pytest.raises(KeyError, match="'b'"):
        neck([torch.zeros(1, 1, 4)] * 3, 'b')
    with pytest.raises(ValueError, match='expected 3 block outputs'):
        neck([torch.zeros(1, 1, 4)] * 2, 'a')
    with pytest.raises(ValueError, match='multiple of group_size'):
        ConditionalAdapter(embed_dims=4, num_layers=4)
