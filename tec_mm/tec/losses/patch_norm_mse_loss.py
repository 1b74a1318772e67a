"""TEC's feature loss: MSE to targets normalised along the patch dimension."""
import torch
from mmengine.model import BaseModule
from tec_mm.registry import MODELS


NORM_DIMS = {'patch': 1, 'channel': -1}


def patch_normalize(target: torch.Tensor,
                    eps: float = 1e-6,
                    norm_dim: str = 'patch') -> torch.Tensor:
    """Normalise each image's features along the patch dimension.

    ``T̂[n, c] = (T[n, c] - mean_n T[:, c]) / sqrt(var_n T[:, c] + eps)`` with
    the unbiased variance, per image and per channel. ``norm_dim='channel'``
    is the ablation: each patch normalised over its channels instead
    (``mean_c``, ``var_c``, as MAE's normalised pixels).

    Args:
        target (torch.Tensor): B x N x C.
        eps (float): Added to the variance. Defaults to 1e-6.
        norm_dim (str): ``'patch'`` (TEC) or ``'channel'``.
            Defaults to ``'patch'``.

    Returns:
        torch.Tensor: B x N x C.
    """
    dim = NORM_DIMS[norm_dim]
    mean = target.mean(dim=dim, keepdim=True)
    var = target.var(dim=dim, keepdim=True, unbiased=True)
    return (target - mean) / (var + eps).sqrt()


@MODELS.register_module()
class PatchNormMSELoss(BaseModule):
    """MSE against patch-dimension normalised targets, masked patches only.

    The squared error is averaged over channels, then over the masked
    patches of the whole batch.

    Args:
        eps (float): Added to the variance. Defaults to 1e-6.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
        norm_dim (str): ``'patch'`` (TEC's normalisation along the patch
            dimension) or ``'channel'`` (per-patch normalisation over the
            channels, the ablation). Defaults to ``'patch'``.
    """

    def __init__(self,
                 eps: float = 1e-6,
                 loss_weight: float = 1.0,
                 norm_dim: str = 'patch') -> None:
        super().__init__()
        if norm_dim not in NORM_DIMS:
            raise ValueError(f'norm_dim={norm_dim!r}: use one of '
                             f'{sorted(NORM_DIMS)}')
        self.eps = eps
        self.loss_weight = loss_weight
        self.norm_dim = norm_dim

    def forward(self, pred: torch.Tensor, target: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            pred (torch.Tensor): Predicted features, B x N x C.
            target (torch.Tensor): Base model features, B x N x C.
            mask (torch.Tensor): B x N, 1 for masked patches.

        Returns:
            torch.Tensor: The scalar loss.
        """
        target = patch_normalize(target.float(), self.eps, self.norm_dim)
        per_patch = (pred.float() - target).pow(2).mean(dim=-1)
        loss = (per_patch * mask).sum() / mask.sum()
        return self.loss_weight * loss
