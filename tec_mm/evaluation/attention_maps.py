"""Where a base model's CLS token looks: its last-block attention over the
patch grid (tools/visualize_attention.py draws it)."""
import torch

from tec_mm.tec.patch_relation_target import PatchRelationTarget


def cls_attention(target: PatchRelationTarget,
                  images: torch.Tensor) -> torch.Tensor:
    """Softmax of the CLS query's last-block logits over the patches,
    averaged over heads.

    Args:
        target (PatchRelationTarget): The frozen base (built with
            ``top_k`` ≥ 1, so that its attention has the CLS row first).
        images (torch.Tensor): Normalised images B x C x H x W.

    Returns:
        torch.Tensor: Maps B x h x w on the base's patch grid, each summing
        to 1.
    """
    logits = target(images)['attention'][:, 0]  # B x H x N (no grad)
    maps = logits.softmax(-1).mean(1)
    h, w = target.patch_resolution
    return maps.reshape(-1, h, w)
