"""Gumbel-sigmoid gates with a straight-through estimator (Krishna et al.,
BMVC 2023, after Veit & Belongie's and Herrmann et al.'s channel gating).

A gate's logit ``a`` opens it with probability ``sigmoid(a)``. Training
draws a relaxed sample ``s = sigmoid((a + l) / tau)`` with logistic noise
``l = log u - log(1 - u)`` (the difference of two Gumbel samples), uses
the hard value ``s >= 0.5`` forward and the gradient of ``s`` backward.
Inference is deterministic: a gate is open when ``a >= 0``.
"""
from typing import Optional

import torch

TEMPERATURE = 2 / 3  # the paper's tau


def logistic_noise(shape: torch.Size, device: torch.device,
                   eps: float = 1e-8) -> torch.Tensor:
    """``log u - log(1 - u)`` for ``u`` uniform in [0, 1)."""
    u = torch.rand(shape, device=device)
    return torch.log(u + eps) - torch.log(1 - u + eps)


def gumbel_sigmoid(logits: torch.Tensor, training: bool,
                   tau: float = TEMPERATURE,
                   noise: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Hard 0/1 gates from ``logits``.

    Args:
        logits (torch.Tensor): Gate logits, any shape.
        training (bool): Sample with noise and pass the relaxed sample's
            gradient (straight-through) when True; threshold at 0 when
            False.
        tau (float): Temperature of the relaxation. Defaults to 2/3.
        noise (torch.Tensor, optional): Logistic noise of ``logits``'
            shape; drawn when None.

    Returns:
        torch.Tensor: Gates of ``logits``' shape, exactly 0 or 1 forward.
    """
    if not training:
        return (logits >= 0).to(logits.dtype)
    if noise is None:
        noise = logistic_noise(logits.shape, logits.device)
    soft = torch.sigmoid((logits + noise) / tau)
    hard = (soft >= 0.5).to(soft.dtype)
    return hard + (soft - soft.detach())  # exactly 0/1, gradient of soft
