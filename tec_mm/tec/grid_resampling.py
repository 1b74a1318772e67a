"""Targets of a base whose patch grid is not the new model's (e.g. DINOv2's
patch 14 at 224 px, 16 x 16 tokens, for a patch-16 model, 14 x 14): the
feature and attention targets are resampled to the new grid."""
from typing import Dict, Tuple

import torch
import torch.nn.functional as F

Grid = Tuple[int, int]


def resample_tokens(x: torch.Tensor, src: Grid, dst: Grid) -> torch.Tensor:
    """Bilinear resampling of per-patch values from grid ``src`` to ``dst``
    (pixel-centre aligned: halving a grid averages each 2 x 2 block).

    Args:
        x (torch.Tensor): ... x N_src x C, patches row-major.
        src (Tuple[int, int]): Rows and columns of the source grid.
        dst (Tuple[int, int]): Rows and columns of the target grid.

    Returns:
        torch.Tensor: ... x N_dst x C.
    """
    lead, C = x.shape[:-2], x.shape[-1]
    grid = x.reshape(-1, *src, C).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=dst, mode='bilinear',
                         align_corners=False)
    return grid.permute(0, 2, 3, 1).reshape(*lead, dst[0] * dst[1], C)


def map_indices(indices: torch.Tensor, src: Grid, dst: Grid) -> torch.Tensor:
    """Patch indices on grid ``src`` -> the ``dst`` patch holding the same
    patch centre.

    Args:
        indices (torch.Tensor): Any shape, in [0, N_src).
        src (Tuple[int, int]): Source grid.
        dst (Tuple[int, int]): Target grid.

    Returns:
        torch.Tensor: The same shape, in [0, N_dst).
    """
    rows, cols = indices // src[1], indices % src[1]
    rows = ((rows * 2 + 1) * dst[0]).div(2 * src[0], rounding_mode='floor')
    cols = ((cols * 2 + 1) * dst[1]).div(2 * src[1], rounding_mode='floor')
    return rows * dst[1] + cols


def resample_targets(targets: Dict[str, torch.Tensor], src: Grid,
                     dst: Grid) -> Dict[str, torch.Tensor]:
    """A base's targets on grid ``src`` as targets on grid ``dst``.

    ``feature`` (B x N x C) and the attention logits' keys (``attention``,
    B x (K+1) x H x N) are resampled; the query rows stay the ones the base
    chose, their ``indices`` mapped to the ``dst`` patches that hold their
    centres; ``cls_attention`` is resampled and renormalised.

    Args:
        targets (dict): The base's targets.
        src (Tuple[int, int]): The base's grid for this input.
        dst (Tuple[int, int]): The new model's grid for this input.

    Returns:
        dict: The same keys on grid ``dst``.
    """
    if tuple(src) == tuple(dst):
        return targets
    out = dict(feature=resample_tokens(targets['feature'], src, dst))
    if 'attention' in targets:
        keys = targets['attention'].unsqueeze(-1)  # keys as tokens
        out['attention'] = resample_tokens(keys, src, dst).squeeze(-1)
        out['indices'] = map_indices(targets['indices'], src, dst)
        cls = resample_tokens(targets['cls_attention'].unsqueeze(-1), src,
                              dst).squeeze(-1)
        out['cls_attention'] = cls / cls.sum(-1, keepdim=True)
    return out
