import pytest
import torch

from tec_mm import TECDecoder


def build(**kwargs):
    torch.manual_seed(0)
    decoder = TECDecoder(
        num_patches=16, embed_dims=8, decoder_embed_dims=8, depth=2,
        num_heads=2, target_heads=2, base_names=('mae', 'ibot'), **kwargs)
    decoder.init_weights()
    return decoder


def test_attention_rows_are_cls_and_top_k_queries():
    decoder = build()
    B, K = 2, 3
    x = torch.randn(B, 5, 8)  # CLS + 4 visible
    ids_restore = torch.stack([torch.randperm(16) for _ in range(B)])
    indices = torch.tensor([[5, 0, 9], [15, 2, 7]])
    captured = {}
    decoder.attention_input.ln.register_forward_hook(
        lambda m, a, out: captured.setdefault('h', out))
    feature, attention = decoder(x, ids_restore, 'ibot', indices)
    assert feature.shape == (B, 16, 8)
    assert attention.shape == (B, K + 1, 2, 16)

    qk = decoder.attention_pred['ibot'](captured['h'])  # B x 17 x 16
    q, k = qk[..., :8], qk[..., 8:]
    for b in range(B):
        rows = [0] + [i + 1 for i in indices[b].tolist()]
        for r, row in enumerate(rows):
            for h in range(2):
                qv = q[b, row, 4 * h:4 * (h + 1)]
                kv = k[b, 1:, 4 * h:4 * (h + 1)]
                torch.testing.assert_close(attention[b, r, h],
                                           kv @ qv * 8**-0.5)


def test_blocks_shared_inputs_and_predictions_separate():
    decoder = build()
    assert len(decoder.blocks) == 2
    assert decoder.feature_input.embed is not decoder.attention_input.embed
    names = [n for n, _ in decoder.named_parameters()]
    assert sum(n.startswith('blocks.') for n in names) == \
        sum(1 for _ in decoder.blocks.parameters())
    assert decoder.attention_pred['mae'].out_features == 16  # 2C
    x, ids = torch.randn(1, 5, 8), torch.randperm(16)[None]
    f_mae, _ = decoder(x, ids, 'mae', torch.tensor([[1, 2, 3]]))
    f_ibot, _ = decoder(x, ids, 'ibot', torch.tensor([[1, 2, 3]]))
    assert not torch.allclose(f_mae, f_ibot)


def test_feature_only_decoder():
    decoder = build(with_attention=False)
    assert not hasattr(decoder, 'attention_input')
    feature, attention = decoder(
        torch.randn(1, 5, 8), torch.randperm(16)[None], 'mae')
    assert attention is None and feature.shape == (1, 16, 8)


def test_attention_needs_indices_and_divisible_heads():
    decoder = build()
    with pytest.raises(ValueError, match='top-K indices'):
        decoder(torch.randn(1, 5, 8), torch.randperm(16)[None], 'mae')
    with pytest.raises(ValueError, match='divisible'):
        TECDecoder(embed_dims=10, target_heads=3)
