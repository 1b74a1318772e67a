"""The gated block: dense with gating off, the same output whether closed
parts are skipped or multiplied by zero, gradients reaching the gates."""
import pytest
import torch
from mmpretrain.models.backbones.vision_transformer import \
    TransformerEncoderLayer

from tec_mm import add_gates


def layer_pair(layer_scale: float = 0.):
    torch.manual_seed(0)
    plain, gated = (TransformerEncoderLayer(
        8, 2, 16, layer_scale_init_value=layer_scale) for _ in range(2))
    gated.load_state_dict(plain.state_dict())
    return plain.eval(), add_gates(gated, 4).eval()


def test_gating_off_is_the_plain_block_and_keeps_the_weight_names():
    plain, gated = layer_pair()
    x = torch.randn(2, 5, 8)
    assert torch.equal(gated(x), plain(x))
    names = set(gated.state_dict())
    assert set(plain.state_dict()) | {f'gates.mlp.{i}.{p}' for i in (0, 2)
                                      for p in ('weight', 'bias')} == names


@pytest.mark.parametrize('layer_scale', [0., 0.1])
def test_skipping_equals_multiplying_by_the_gates(layer_scale):
    _, layer = layer_pair(layer_scale)
    layer.gating = True
    for linear in (layer.gates.mlp[0], layer.gates.mlp[2]):
        torch.nn.init.normal_(linear.weight, std=3.)
        torch.nn.init.zeros_(linear.bias)
    x = torch.randn(6, 5, 8) + torch.randn(6, 1, 8)
    heads, groups = layer.gates(x)
    # inputs disagree: some parts are skipped for all, some zeroed per input
    assert 0 < heads.sum() < heads.numel() and \
        0 < groups.sum() < groups.numel()
    skipped = layer(x)
    assert torch.allclose(skipped, layer._multiplied(x, heads, groups),
                          atol=1e-6)
    # one input alone: only its own parts run
    assert torch.allclose(layer(x[:1]), skipped[:1], atol=1e-6)


def test_all_closed_leaves_the_output_biases():
    plain, layer = layer_pair()
    layer.gating = True
    torch.nn.init.zeros_(layer.gates.mlp[2].weight)
    torch.nn.init.constant_(layer.gates.mlp[2].bias, -1.)
    x = torch.randn(2, 5, 8)
    # x + proj.bias, then + fc2.bias
    expected = x + plain.attn.proj.bias + plain.ffn.layers[1].bias
    assert torch.allclose(layer(x), expected, atol=1e-6)


def test_training_gradient_reaches_the_gate_mlp():
    _, layer = layer_pair()
    layer.train().gating = True
    layer(torch.randn(4, 5, 8)).sum().backward()
    assert layer.gates.mlp[2].bias.grad.abs().sum() > 0
    heads, groups, tokens = layer.last_gates
    assert heads.shape == (4, 2) and groups.shape == (4, 4) and tokens == 5


def test_groups_must_divide_the_hidden_width():
    layer = TransformerEncoderLayer(8, 2, 16)
    with pytest.raises(ValueError, match='gate_groups=3 must divide the MLP '
                       'hidden width 16'):
        add_gates(layer, 3)
