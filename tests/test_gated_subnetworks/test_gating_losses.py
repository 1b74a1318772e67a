"""Budget and density losses against hand-computed values."""
import math

import pytest
import torch

from tec_mm import annealing, budget_loss, density_bounds, density_loss

DENSITIES = torch.tensor([[0.2, 0.4], [0.9, 0.9], [0.5, 0.5]])  # L x B


def test_budget_loss_squares_the_mean_ratio_off_target():
    # mean ratio 0.7, target 0.5: 5 * 0.2^2
    assert budget_loss(torch.tensor([0.6, 0.8]), 0.5, 5.).item() == \
        pytest.approx(0.2)


def test_annealing_and_bounds():
    assert annealing(0) == 1.
    assert annealing(50, 0.02) == pytest.approx(math.exp(-1))
    assert density_bounds(0.5, 1.) == (0.5, 0.5)  # held at the target
    assert density_bounds(0.5, 0.) == (0., 1.)  # free


def test_density_loss_at_the_start_holds_every_block_at_the_target():
    # block means 0.3, 0.9, 0.5 against [0.5, 0.5]: 0.2^2, 0.4^2, 0 -> mean
    loss = density_loss(DENSITIES, 0.5, 1., weight=2.)
    assert loss.item() == pytest.approx(2 * (0.04 + 0.16) / 3)


def test_density_loss_later_only_punishes_what_leaves_the_wider_bounds():
    p = math.exp(-1)  # epoch 50 at rate 0.02: bounds 0.184 and 0.816
    loss = density_loss(DENSITIES, 0.5, p, weight=2.)
    assert loss.item() == pytest.approx(2 * (0.9 - (1 - p + p * 0.5))**2 / 3,
                                        rel=1e-5)
    assert loss.item() == pytest.approx(0.0046973, abs=1e-7)
