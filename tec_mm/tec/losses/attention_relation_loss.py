"""TEC's attention loss: soft-target cross-entropy on attention rows."""
from typing import Dict, Optional, Union

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
        tau (float | Dict[str, float]): Temperature of the target softmax
            (1.8 for MAE-B, 1.4 for MAE-L, 1.0 for iBOT-B), or one per base
            model name when several bases are trained against.
            Defaults to 1.0.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 tau: Union[float, Dict[str, float]] = 1.0,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        taus = tau.values() if isinstance(tau, dict) else [tau]
        if not all(t > 0 for t in taus):
            raise ValueError(f'tau={tau} must be positive')
        self.tau = tau
        self.loss_weight = loss_weight

    def tau_of(self, base: Optional[str]) -> float:
        """The temperature of base model ``base``."""
        if not isinstance(self.tau, dict):
            return self.tau
        if base not in self.tau:
            raise KeyError(f'no attention tau for base model {base!r}; '
                           f'tau is given for {list(self.tau)}')
        return self.tau[base]

    def forward(self,
                pred: torch.Tensor,
                target: torch.Tensor,
                base: Optional[str] = None) -> torch.Tensor:
        """Compute the loss.

        Args:
            pred (torch.Tensor): Predicted logits, B x (K+1) x H x N.
            target (torch.Tensor): Base pre-softmax logits, same shape.
            base (str, optional): The base model that made ``target``; it
                picks tau when tau is given per base. Defaults to None.

        Returns:
            torch.Tensor: The scalar loss.
        """
        soft_target = F.softmax(target.float() / self.tau_of(base), dim=-1)
        log_prob = F.log_softmax(pred.float(), dim=-1)
        loss = -(soft_target * log_prob).sum(dim=-1).mean()
        return self.loss_weight * loss
