"""Multiply-accumulates of dense and gated ViT blocks, counted the way the
budget loss and the inference benchmark count them."""
from typing import Union

import torch

Number = Union[float, torch.Tensor]


def block_macs(tokens: int, embed_dims: int, hidden: int,
               heads_share: Number = 1., groups_share: Number = 1.) -> Number:
    """MACs of one ViT block on one input with a share of its heads and MLP
    channel groups open.

    Attention per head share: qkv ``3NC^2``, scores and their product with
    the values ``2N^2 C``, output projection ``NC^2``; MLP per group share:
    ``2NCF``. Norms, softmax and additions are not counted.

    Args:
        tokens (int): Tokens N (the visible ones plus CLS while masked).
        embed_dims (int): Width C.
        hidden (int): MLP hidden width F.
        heads_share (float | torch.Tensor): Open heads / H (per input).
        groups_share (float | torch.Tensor): Open groups / G (per input).

    Returns:
        float | torch.Tensor: MACs, shaped like the shares.
    """
    n, c = tokens, embed_dims
    attention = 4 * n * c * c + 2 * n * n * c
    return heads_share * attention + groups_share * 2 * n * c * hidden
