"""How much the attention target says: the entropy of its rows."""
import math

import torch


def attention_target_entropy(logits: torch.Tensor, tau: float) -> float:
    """Mean row entropy of ``softmax(logits / tau)`` as a fraction of log N.

    1.0 is a uniform target (it says nothing about patch relations); lower
    is sharper.

    Args:
        logits (torch.Tensor): Attention logits of the base,
            B x (K+1) x H x N (``PatchRelationTarget``'s ``attention``).
        tau (float): Temperature of the target softmax.

    Returns:
        float: Mean over images, rows and heads of the entropy in nats,
        divided by log N.
    """
    log_p = torch.log_softmax(logits.float() / tau, dim=-1)
    entropy = -(log_p.exp() * log_p).sum(-1)
    return (entropy.mean() / math.log(logits.shape[-1])).item()
