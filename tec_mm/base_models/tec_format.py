"""The TEC checkpoint format, read and written in one place: the encoder's
CLS-token MLP (folded into a plain ViT's ``cls_token`` wherever a TEC model
is used as a base or exported) and the lineage each checkpoint records.

Written from the layout of :class:`tec_mm.TECViT` (``cls_mlp``: Linear,
GELU, Linear) without importing the model, so that reading a checkpoint
never needs the training code."""
from typing import Dict, List, Optional, TypedDict

import torch
import torch.nn.functional as F

StateDict = Dict[str, torch.Tensor]
CLS_MLP_KEYS = ('cls_mlp.0.weight', 'cls_mlp.0.bias', 'cls_mlp.2.weight',
                'cls_mlp.2.bias')
LINEAGE = 'lineage'  # the key of ``meta`` that holds a :class:`Lineage`


class LineageBase(TypedDict):
    """One base of a TEC run: its config name, checkpoint path, generation
    and the file's sha256 (None when it was not a file)."""

    name: str
    path: str
    generation: int
    sha256: Optional[str]


class Lineage(TypedDict):
    """``meta['lineage']`` of a TEC checkpoint: its generation (one more
    than its newest base's; a model not made by TEC is generation 0), its
    bases and the run's config file."""

    generation: int
    bases: List[LineageBase]
    config: str


@torch.no_grad()
def fold_cls_mlp(state: StateDict) -> torch.Tensor:
    """The CLS token after TEC's input adapter, ``cls_mlp(cls_token)``.

    Args:
        state (dict): Encoder weights with ``cls_token`` (1 x 1 x C) and
            the ``cls_mlp.*`` of :class:`TECViT`.

    Returns:
        torch.Tensor: 1 x 1 x C, what the encoder adds to the CLS position.
    """
    w0, b0, w2, b2 = (state[k] for k in CLS_MLP_KEYS)
    return F.linear(F.gelu(F.linear(state['cls_token'], w0, b0)), w2, b2)


def has_cls_mlp(state: StateDict) -> bool:
    """Whether ``state`` holds a whole CLS MLP.

    Raises:
        ValueError: It holds only part of one.
    """
    present = [k in state for k in CLS_MLP_KEYS]
    if any(present) and not all(present):
        raise ValueError(f'incomplete CLS MLP: {sorted(state)[:8]}...')
    return all(present)


def fold_into_cls_token(state: StateDict) -> List[str]:
    """Replace ``cls_token`` and the CLS MLP of ``state`` (in place) by the
    folded token; no change without a CLS MLP.

    Returns:
        list[str]: The keys removed, sorted.
    """
    if not has_cls_mlp(state):
        return []
    state['cls_token'] = fold_cls_mlp(state)
    for key in CLS_MLP_KEYS:
        del state[key]
    return sorted(CLS_MLP_KEYS)


def generation_of(meta: Optional[dict]) -> int:
    """The generation recorded in a checkpoint's ``meta`` (0 when none)."""
    lineage = meta.get(LINEAGE) if isinstance(meta, dict) else None
    return int(lineage.get('generation', 0)) if isinstance(lineage,
                                                            dict) else 0
