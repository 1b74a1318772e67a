"""The losses that hold a gated sub-network to a compute budget (Krishna
et al., BMVC 2023): a budget term on the whole network's MAC ratio and
annealed bounds on each block's density."""
import math
from typing import Tuple

import torch
import torch.nn.functional as F


def annealing(epoch: float, rate: float = 0.02) -> float:
    """The bounds' tightness ``p = exp(-rate * epoch)``: 1 at the start
    (every block held at the target), towards 0 (free) later."""
    return math.exp(-rate * epoch)


def budget_loss(ratio: torch.Tensor, target: float,
                weight: float) -> torch.Tensor:
    """``weight * (r - t_d)^2`` with ``r`` the mean over the batch.

    Args:
        ratio (torch.Tensor): Gated / dense MACs of each input, B.
        target (float): The budget t_d.
        weight (float): lambda.

    Returns:
        torch.Tensor: The loss, a scalar.
    """
    return weight * (ratio.mean() - target)**2


def density_bounds(target: float, p: float) -> Tuple[float, float]:
    """Lower and upper bound of a block's density: ``p * t_d`` and
    ``1 - p + p * t_d``."""
    return p * target, 1 - p + p * target


def density_loss(densities: torch.Tensor, target: float, p: float,
                 weight: float) -> torch.Tensor:
    """``weight * mean_l(relu(lower - d_l)^2 + relu(d_l - upper)^2)`` with
    ``d_l`` block l's density averaged over the batch.

    Args:
        densities (torch.Tensor): Gated / dense MACs of each block and
            input, L x B.
        target (float): The budget t_d.
        p (float): Tightness from :func:`annealing`.
        weight (float): gamma.

    Returns:
        torch.Tensor: The loss, a scalar.
    """
    lower, upper = density_bounds(target, p)
    d = densities.mean(1)
    return weight * (F.relu(lower - d)**2 + F.relu(d - upper)**2).mean()
