"""Gumbel-sigmoid gates against hand-computed values."""
import math

import torch

from tec_mm import BlockGates, gumbel_sigmoid, logistic_noise

LOGITS = [0.5, -1.0, 0.2]
NOISE = [0.1, 2.0, -0.5]


def test_training_gates_are_hard_forward_and_relaxed_backward():
    logits = torch.tensor(LOGITS, requires_grad=True)
    gates = gumbel_sigmoid(logits, True, tau=2 / 3, noise=torch.tensor(NOISE))
    # sigmoid(1.5 * (a + l)): sigmoid(0.9), sigmoid(1.5), sigmoid(-0.45)
    # = 0.71095, 0.81757, 0.38936 -> thresholded at 0.5
    assert gates.tolist() == [1., 1., 0.]
    gates.sum().backward()
    # d/da sigmoid((a + l) / tau) = s (1 - s) / tau
    assert torch.allclose(logits.grad,
                          torch.tensor([0.30825, 0.22372, 0.35664]),
                          atol=1e-5)


def test_inference_gates_threshold_the_logits_at_zero():
    gates = gumbel_sigmoid(torch.tensor(LOGITS + [0.]), False)
    assert gates.tolist() == [1., 0., 1., 1.]  # noise plays no part


def test_logistic_noise_is_the_difference_of_two_gumbels():
    torch.manual_seed(0)
    noise = logistic_noise(torch.Size([200000]), torch.device('cpu'))
    # standard logistic: mean 0, variance pi^2 / 3
    assert abs(noise.mean().item()) < 0.02
    assert abs(noise.var().item() - math.pi**2 / 3) < 0.05


def test_block_gates_split_heads_and_groups_and_count_their_macs():
    gates = BlockGates(8, num_heads=2, num_groups=3, hidden_ratio=0.25)
    gates.eval()
    torch.nn.init.zeros_(gates.mlp[2].weight)
    gates.mlp[2].bias.data = torch.tensor([1., -1., -2., 3., 0.])
    heads, groups = gates(torch.randn(2, 5, 8))
    assert heads.tolist() == [[1., 0.]] * 2
    assert groups.tolist() == [[0., 1., 1.]] * 2
    assert gates.macs == 8 * 2 + 2 * 5
    fresh = BlockGates(8, 2, 3, init_bias=1.5)
    assert fresh.mlp[2].bias.tolist() == [1.5] * 5
