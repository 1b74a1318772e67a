"""Patch relations: the attention logits of the CLS row and the top-K
patch rows against every patch, as TEC predicts them and as the base
model gives them."""
import torch


def relation_logits(q: torch.Tensor, k: torch.Tensor, indices: torch.Tensor,
                    scale: float) -> torch.Tensor:
    """Scaled logits ``q k^T`` of the CLS query and the ``indices`` patch
    queries against the N patch keys.

    Args:
        q (torch.Tensor): Queries of CLS + N patches, B x H x (1+N) x d.
        k (torch.Tensor): Keys of CLS + N patches, B x H x (1+N) x d.
        indices (torch.Tensor): Patch rows, B x K, in [0, N).
        scale (float): Multiplies the logits (the base's ``d**-0.5``; the
            decoder's ``C**-0.5``).

    Returns:
        torch.Tensor: Logits B x (K+1) x H x N; row 0 is the CLS query's.
        The CLS key is left out.
    """
    B, H, _, d = q.shape
    rows = torch.cat([indices.new_zeros(B, 1), indices + 1], dim=1)
    queries = q.gather(2, rows[:, None, :, None].expand(-1, H, -1, d))
    logits = queries @ k[:, :, 1:].transpose(-2, -1) * scale
    return logits.transpose(1, 2)
