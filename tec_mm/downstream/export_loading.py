"""An exported encoder loaded into a downstream backbone of another layout
(MMSeg's MAE, ViTDet's windowed ViT) with every key checked: only what the
recipe creates may be missing, only what it does not use may be left."""
from typing import Dict, Optional, Sequence

import torch
from torch import nn

from tec_mm.engine import InputError, load_checkpoint_file
from tec_mm.export import BACKBONE

StateDict = Dict[str, torch.Tensor]


def pretrained_path(backbone: nn.Module) -> Optional[str]:
    """The checkpoint of ``backbone``'s ``Pretrained`` ``init_cfg``; None
    without one."""
    init_cfg = getattr(backbone, 'init_cfg', None)
    if isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained':
        return init_cfg['checkpoint']
    return None


def read_export(path: str) -> StateDict:
    """The encoder weights of an export of ``tools/export_backbone.py``,
    without the ``backbone.`` prefix.

    Raises:
        InputError: The file is not an MMEngine checkpoint.
    """
    checkpoint = load_checkpoint_file(path, map_location='cpu')
    if not isinstance(checkpoint, dict) or 'state_dict' not in checkpoint:
        raise InputError(f'{path}: not an MMEngine checkpoint (no '
                         '"state_dict"); export the encoder with '
                         'tools/export_backbone.py')
    return {k[len(BACKBONE):] if k.startswith(BACKBONE) else k: v
            for k, v in checkpoint['state_dict'].items()}


def load_export(backbone: nn.Module, state: StateDict, path: str,
                created: Sequence[str], unused: Sequence[str],
                resized: Sequence[str] = ('pos_embed', )) -> str:
    """Check ``state`` against ``backbone``, then load it.

    Args:
        backbone (nn.Module): The downstream backbone.
        state (dict): The export's weights in the backbone's names.
        path (str): Where they come from, for the messages.
        created (Sequence[str]): Name endings of the backbone's own new
            parts (e.g. ``'attn.rel_pos_h'``), which keep their initial
            values: the only keys allowed to be missing.
        unused (Sequence[str]): Name beginnings of the export's weights the
            backbone does not have (e.g. ``'ln1.'``, an unused final norm):
            the only keys allowed to be left over.
        resized (Sequence[str]): Keys whose shape the backbone adapts when
            it loads them. Defaults to the position embedding.

    Returns:
        str: The report: tensors loaded, keys created, keys left out.

    Raises:
        InputError: Another key is missing or left over, or a weight has
            another shape.
    """
    own = backbone.state_dict()
    missing = [k for k in own if k not in state]
    left = [k for k in state if k not in own]
    wrong = [k for k in missing if not k.endswith(tuple(created))]
    wrong += [k for k in left if not k.startswith(tuple(unused))]
    if wrong:
        raise InputError(
            f'{path}: not an encoder for {type(backbone).__name__} (missing '
            f'or unexpected: {sorted(wrong)[:8]}); export it with '
            'tools/export_backbone.py (without --global-pool)')
    shapes = [f'{k} {tuple(v.shape)} vs {tuple(own[k].shape)}'
              for k, v in state.items()
              if k in own and k not in resized and v.shape != own[k].shape]
    if shapes:
        raise InputError(f'{path}: the encoder is not of the size of '
                         f'{type(backbone).__name__}: {shapes[:4]}')
    kept = {k: v for k, v in state.items() if k in own}
    backbone.load_state_dict(kept, strict=False)
    parts = sorted({next(c for c in created if k.endswith(c))
                    for k in missing})
    return (f'{type(backbone).__name__}: loaded {len(kept)} tensors from '
            f'{path}; {len(missing)} created by the recipe ({parts}), left '
            f'out {sorted(left)}')
