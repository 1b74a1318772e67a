"""The gating module of one ViT block: per input, which attention heads
and which groups of MLP hidden channels run."""
from typing import Tuple

import torch
from torch import nn

from .gumbel_sigmoid import TEMPERATURE, gumbel_sigmoid


class BlockGates(nn.Module):
    """Gates over the heads and MLP channel groups of a block, computed from
    the block's input.

    The context is the mean of the block's input tokens (the visible ones
    while masked); a light MLP, C -> ``hidden_ratio`` * C -> H + G with
    ReLU, gives one logit per head and per group, turned into hard gates by
    :func:`gumbel_sigmoid`.

    Args:
        embed_dims (int): Width C.
        num_heads (int): Attention heads H.
        num_groups (int): MLP channel groups G (the hidden width must
            divide by it).
        hidden_ratio (float): Hidden width of the gate MLP over C.
            Defaults to 0.25.
        tau (float): Gumbel-sigmoid temperature. Defaults to 2/3.
        init_bias (float): Initial bias of the logits; positive opens the
            gates at the start. Defaults to 1.
    """

    def __init__(self, embed_dims: int, num_heads: int, num_groups: int,
                 hidden_ratio: float = 0.25, tau: float = TEMPERATURE,
                 init_bias: float = 1.) -> None:
        super().__init__()
        hidden = max(1, int(embed_dims * hidden_ratio))
        self.num_heads, self.num_groups, self.tau = num_heads, num_groups, tau
        self.mlp = nn.Sequential(
            nn.Linear(embed_dims, hidden), nn.ReLU(),
            nn.Linear(hidden, num_heads + num_groups))
        self.init_bias = init_bias
        self.init_weights()

    def init_weights(self) -> None:
        """Start every logit at ``init_bias`` (whatever the model's
        initialisation did to the MLP's bias)."""
        nn.init.constant_(self.mlp[2].bias, self.init_bias)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of the gate MLP for one input."""
        first, last = self.mlp[0], self.mlp[2]
        return first.in_features * first.out_features + \
            last.in_features * last.out_features

    def forward(self, tokens: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Gates of each input.

        Args:
            tokens (torch.Tensor): The block's input, B x N x C.

        Returns:
            Tuple[torch.Tensor, torch.Tensor]: head gates B x H and group
            gates B x G, 0 or 1 (straight-through while training).
        """
        gates = gumbel_sigmoid(self.mlp(tokens.mean(1)), self.training,
                               self.tau)
        return gates[:, :self.num_heads], gates[:, self.num_heads:]
