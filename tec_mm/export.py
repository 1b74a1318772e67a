"""Export of a pretrained encoder as a plain MMPretrain ViT backbone."""
from typing import Dict, List, Optional, Tuple

import torch

from tec_mm.base_models.tec_format import fold_into_cls_token
from tec_mm.engine import save_atomically

StateDict = Dict[str, torch.Tensor]

BACKBONE = 'backbone.'


def export_backbone(state: StateDict,
                    global_pool: bool = False) -> Tuple[StateDict, List[str]]:
    """Keep the encoder of a pretraining state dict as a plain ViT.

    The encoder's weights (``backbone.*``) are kept under MMPretrain's
    ``VisionTransformer`` names; the CLS MLP of a TEC encoder is folded into
    ``cls_token``; necks, decoders, heads and adapters are dropped. When
    the downstream model pools patch tokens (``global_pool``, MMPretrain's
    ``out_type='avg_featmap', final_norm=False``), the final norm ``ln1`` is
    dropped too and the pooled-feature norm ``ln2`` that model adds is
    written as it starts in MAE fine-tuning, weight 1 and bias 0 (what
    ``VisionTransformer`` would initialise; written so that loading reports
    no missing key). Encoders without a CLS MLP (MMPretrain's MAE) are
    exported the same way.

    Args:
        state (dict): ``state_dict`` of a TEC or MMPretrain MAE checkpoint.
        global_pool (bool): Replace the final norm by a fresh pooled-feature
            norm. Defaults to False.

    Returns:
        Tuple[dict, list[str]]: The backbone weights without the
        ``backbone.`` prefix, and the keys of ``state`` left out.

    Raises:
        ValueError: ``state`` has no ``backbone.`` weights, or only part of
            a CLS MLP.
    """
    encoder = {k[len(BACKBONE):]: v for k, v in state.items()
               if k.startswith(BACKBONE)}
    if 'cls_token' not in encoder or 'patch_embed.projection.weight' \
            not in encoder:
        raise ValueError(
            'no ViT encoder under "backbone." (need backbone.cls_token and '
            f'backbone.patch_embed.*); keys seen: {sorted(state)[:8]}')
    out = dict(encoder)
    fold_into_cls_token(out)
    if global_pool:
        out = {k: v for k, v in out.items() if not k.startswith('ln1.')}
        width = out['cls_token'].shape[-1]
        out['ln2.weight'] = torch.ones(width)
        out['ln2.bias'] = torch.zeros(width)
    dropped = sorted(k for k in state
                     if not k.startswith(BACKBONE) or k[len(BACKBONE):]
                     not in out)
    return out, dropped


def save_backbone(state: StateDict, path: str,
                  meta: Optional[dict] = None) -> None:
    """Write ViT weights as an MMPretrain-style checkpoint, atomically.

    Args:
        state (dict): Weights in ``VisionTransformer`` names, no prefix.
        path (str): The file to write.
        meta (dict, optional): Its ``meta``. Defaults to an empty dict.
    """
    save_atomically(
        dict(meta=meta or {},
             state_dict={BACKBONE + k: v for k, v in state.items()}), path)
