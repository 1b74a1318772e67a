"""What a base model gives the new model to predict, for one image batch."""
from typing import TypedDict

import torch


class BaseTargets(TypedDict, total=False):
    """The targets of a :class:`PatchRelationTarget`, on the new model's
    patch grid, float32 and without grad (N patches, C the base's width, H
    its heads, K the top-K relations).

    Keys:
        feature (torch.Tensor): B x N x C, the mean of the last blocks'
            patch tokens.
        attention (torch.Tensor): B x (K+1) x H x N, attention logits of
            the CLS token and the K patches it attends most (with the
            attention target only, as the keys below).
        indices (torch.Tensor): B x K, those patches' indices.
        cls_attention (torch.Tensor): B x N, the CLS token's attention over
            the patches, averaged over heads (hard-mask mining).
    """

    feature: torch.Tensor
    attention: torch.Tensor
    indices: torch.Tensor
    cls_attention: torch.Tensor
