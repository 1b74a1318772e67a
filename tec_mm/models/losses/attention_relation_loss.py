"""TEC's attention loss: soft-target cross-entropy on attention rows."""
import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from tec_mm.registry import MODELS


@MODELS.register_module()
class AttentionRelationLoss(BaseModule):
    """Cross-entropy between predicted and base attention distributions.

    The target is ``softmax(A_base / tau)`` over the N patch keys; the loss is
    ``-sum_n target * log_softmax(pred)``, averaged over batch, rows (CLS and
    the top-K patch rows, visible and masked alike) and heads.

    Args:
        tau (float): Temperature of the target softmax (1.8 for MAE-B, 1.4
            for MAE-L, 1.0 for iBOT-B). Defaults to 1.0.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    def __init__(self, tau: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        if tau <= 0:
            raise ValueError(f'tau={tau} must be positive')
        self.tau = tau
        self.loss_weight = loss_weight

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            pred (torch.Tensor): Predicted logits, B x (K+1) x H x N.
            target (torch.Tensor): Base pre-softmax logits, same shape.

        Returns:
            torch.Tensor: The scalar loss.
        """
        soft_target = F.softmax(target.float() / self.tau, dim=-1)
        log_prob = F.log_softmax(pred.float(), dim=-1)
        loss = -(soft_target * log_prob).sum(dim=-1).mean()
        return self.loss_weight * loss
