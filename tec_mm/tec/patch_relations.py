"""Patch relations: the attention logits of the CLS row and the top-K
patch rows against every patch, as TEC predicts them and as the base
model gives them."""
from typing import Dict

import torch
import torch.nn.functional as F
from mmpretrain.models.backbones.vision_transformer import \
    TransformerEncoderLayer


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


def last_block_with_relations(layer: TransformerEncoderLayer,
                              x: torch.Tensor, top_k: int,
                              targets: Dict[str, torch.Tensor]
                              ) -> torch.Tensor:
    """Run a base model's last block and put its patch relations in
    ``targets``.

    The block output uses fused attention; explicit logits are computed
    only for the CLS row and the ``top_k`` rows it ranks highest.

    Args:
        layer (TransformerEncoderLayer): The last block.
        x (torch.Tensor): Its input, B x (1+N) x C.
        top_k (int): Patch rows of the relations, K.
        targets (dict): Receives ``attention`` (B x (K+1) x H x N, scaled
            by ``d**-0.5``), ``indices`` (B x K) and ``cls_attention``
            (B x N: the CLS row's softmax, averaged over the heads).

    Returns:
        torch.Tensor: The block output, B x (1+N) x C.
    """
    attn = layer.attn
    B, L, C = x.shape
    qkv = attn.qkv(layer.ln1(x)).reshape(B, L, 3, attn.num_heads,
                                         attn.head_dims)
    q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # B x H x L x d
    out = F.scaled_dot_product_attention(q, k, v)
    out = out.transpose(1, 2).reshape(B, L, C)
    x = x + attn.out_drop(attn.gamma1(attn.proj_drop(attn.proj(out))))
    x = layer.ffn(layer.ln2(x), identity=x)

    scale = attn.head_dims**-0.5
    cls_row = relation_logits(q, k, q.new_zeros(B, 0, dtype=torch.long),
                              1.)[:, 0]  # B x H x N
    indices = cls_row.mean(dim=1).topk(top_k, dim=-1).indices
    targets['attention'] = relation_logits(q, k, indices, scale)
    targets['indices'] = indices
    targets['cls_attention'] = (cls_row * scale).softmax(dim=-1).mean(dim=1)
    return x
