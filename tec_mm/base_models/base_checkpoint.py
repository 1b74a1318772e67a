"""Reading a base model's checkpoint, whatever SSL project wrote it.

A base checkpoint is a file a user downloaded or trained. The formats:

====================  ===================================================
format                what the file holds
====================  ===================================================
``mae``               ``{'model': ...}``, timm names (MAE official)
``dino``              ``{'teacher': ..., 'student': ...}`` with ``module.``
                      / ``backbone.`` prefixes (DINO and iBOT official;
                      the teacher is used when both exist)
``ibot``              ``{'state_dict': ...}``, ``backbone.``, timm names
``dinov2``            plain, timm names with LayerScale ``ls1/ls2`` and a
                      ``mask_token`` (DINOv2 official)
``mmpretrain``        ``{'state_dict': ...}`` with ``backbone.`` and
                      MMPretrain names, or a plain dict in those names
``timm``              a plain state dict in timm names (timm, DINO's
                      backbone-only release)
``tec``               a TEC checkpoint (``{'state_dict': ...}`` of
                      :class:`TECAlgorithm`): its CLS MLP is folded into
                      ``cls_token``, so a TEC model is the next base
====================  ===================================================

Whatever the format, :func:`read_base_checkpoint` returns the backbone's
state dict in the naming of :class:`mmpretrain.models.VisionTransformer`.
"""
import math
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, List, Tuple, Union

import torch
from torch import nn

from tec_mm.engine.checkpoint_loading import load_checkpoint_file
from tec_mm.engine.refusal import InputError, MissingInput
from .tec_format import fold_into_cls_token, generation_of

StateDict = Dict[str, torch.Tensor]

# timm-style name -> MMPretrain VisionTransformer name, applied in order.
_TIMM_TO_MMPRETRAIN = [
    (r'^blocks\.\d+\.(\d+)\.', r'blocks.\1.'),  # DINOv2 block chunks
    (r'^patch_embed\.proj\.', 'patch_embed.projection.'),
    (r'^blocks\.(\d+)\.norm1\.', r'layers.\1.ln1.'),
    (r'^blocks\.(\d+)\.norm2\.', r'layers.\1.ln2.'),
    (r'^blocks\.(\d+)\.attn\.', r'layers.\1.attn.'),
    (r'^blocks\.(\d+)\.mlp\.fc1\.', r'layers.\1.ffn.layers.0.0.'),
    (r'^blocks\.(\d+)\.mlp\.fc2\.', r'layers.\1.ffn.layers.1.'),
    (r'^blocks\.(\d+)\.(ls1\.gamma|gamma_1)$', r'layers.\1.attn.gamma1.weight'),
    (r'^blocks\.(\d+)\.(ls2\.gamma|gamma_2)$', r'layers.\1.ffn.gamma2.weight'),
    (r'^norm\.', 'ln1.'),
]

# Keys of pretraining heads, projectors and mask tokens: never used.
_HEAD_PREFIXES = ('head.', 'fc_norm.', 'decoder', 'mask_token',
                  'masked_embed', 'neck.', 'data_preprocessor.')


class BaseCheckpointError(InputError):
    """A base checkpoint that cannot be used, with what to change."""


@dataclass
class BaseCheckpoint:
    """A base model's weights as read from its file.

    Attributes:
        path (str): The file.
        format (str): The detected format (see the module docstring).
        state (dict): The backbone's weights in MMPretrain names;
            ``pos_embed`` always has a CLS row.
        dropped (List[str]): Keys of the file left out (heads, projectors,
            mask tokens, the student when a teacher exists).
        origin (str): The format the weights first came in: ``format``, or
            for a file written by ``tools/convert_base_model.py`` the format
            it was converted from (recorded in ``meta.base_model``).
        generation (int): 0 for a model not made by TEC, else the
            generation recorded in its ``meta.lineage``
            (:class:`LineageHook`).
    """
    path: str
    format: str
    state: StateDict
    dropped: List[str] = field(default_factory=list)
    origin: str = ''
    generation: int = 0

    def __post_init__(self) -> None:
        self.origin = self.origin or self.format


def _backbone_only(state: StateDict, dropped: List[str]) -> StateDict:
    """Remove a DDP ``module.`` prefix; keep the ``backbone.`` keys if any.

    Args:
        state (dict): A state dict as saved.
        dropped (List[str]): Receives the keys outside the backbone.

    Returns:
        dict: The backbone's state dict, prefixes removed.
    """
    if state and all(k.startswith('module.') for k in state):
        state = {k[len('module.'):]: v for k, v in state.items()}
    if not any(k.startswith('backbone.') for k in state):
        return state
    dropped += [k for k in state if not k.startswith('backbone.')]
    return {
        k[len('backbone.'):]: v
        for k, v in state.items() if k.startswith('backbone.')
    }


def _unwrap(checkpoint: object, path: str) -> Tuple[StateDict, str,
                                                    List[str]]:
    """Find the backbone state dict inside a checkpoint's layout.

    Returns:
        Tuple[dict, str, List[str]]: The state dict (the file's naming,
        wrappers removed), the layout (``'model'``, ``'teacher'``,
        ``'student'``, ``'state_dict'`` or ``'plain'``) and dropped keys.
    """
    if not isinstance(checkpoint, dict):
        raise BaseCheckpointError(
            f'{path}: expected a dict, got {type(checkpoint).__name__}.')
    dropped: List[str] = []
    for layout in ('model', 'teacher', 'student', 'state_dict'):
        if isinstance(checkpoint.get(layout), dict):
            if layout == 'teacher' and 'student' in checkpoint:
                dropped.append('student (the teacher is used)')
            return _backbone_only(checkpoint[layout], dropped), layout, dropped
    if checkpoint and all(
            isinstance(v, torch.Tensor) for v in checkpoint.values()):
        return _backbone_only(checkpoint, dropped), 'plain', dropped
    raise BaseCheckpointError(
        f'{path}: unknown checkpoint format; top-level keys seen: '
        f'{sorted(map(str, checkpoint))[:20]}. Expected {{"model": ...}} '
        '(MAE), {"teacher"/"student": ...} (DINO, iBOT), {"state_dict": '
        '...} (iBOT, MMPretrain) or a plain state dict (DINOv2, timm).')


def to_mmpretrain_names(state: StateDict) -> Tuple[StateDict, List[str]]:
    """Rename timm-style keys to MMPretrain's and drop pretraining heads.

    Args:
        state (dict): A ViT state dict in timm or MMPretrain naming.

    Returns:
        Tuple[dict, List[str]]: The renamed state dict and the dropped keys.
    """
    converted, dropped = {}, []
    for key, value in state.items():
        if key.startswith(_HEAD_PREFIXES):
            dropped.append(key)
            continue
        for pattern, repl in _TIMM_TO_MMPRETRAIN:
            key = re.sub(pattern, repl, key)
        converted[key] = value
    return converted, dropped


def _with_cls_position(state: StateDict) -> StateDict:
    """Give ``pos_embed`` a CLS row when it has none.

    timm's ``no_embed_class`` models (DeiT-3) add no position to their CLS
    token; a zero row does the same in MMPretrain's ViT.
    """
    pos = state.get('pos_embed')
    if pos is not None and math.isqrt(pos.shape[1])**2 == pos.shape[1]:
        state['pos_embed'] = torch.cat([pos.new_zeros(1, 1, pos.shape[-1]),
                                        pos], 1)
    return state


def _format_name(layout: str, state: StateDict) -> str:
    """Name the format from the layout and the naming of the keys."""
    timm_names = any(k.startswith('blocks.') for k in state)
    if layout == 'model':
        return 'mae'
    if layout in ('teacher', 'student'):
        return 'dino'
    if not timm_names:
        return 'mmpretrain'
    if layout == 'state_dict':
        return 'ibot'
    if 'mask_token' in state and any('.ls1.' in k for k in state):
        return 'dinov2'
    return 'timm'


def read_base_checkpoint(
        source: Union[str, dict, nn.Module]) -> BaseCheckpoint:
    """Read a base model as an MMPretrain ViT state dict.

    Args:
        source (str | dict | nn.Module): A checkpoint file; a checkpoint or
            state dict already in memory, in any of the formats above; or a
            built ViT (or a model holding one as ``backbone``).

    Returns:
        BaseCheckpoint: The format, the weights in MMPretrain names and the
        keys left out. ``path`` names the file, or says what was given.

    Raises:
        FileNotFoundError: The file does not exist.
        BaseCheckpointError: The file cannot be read or is of no known
            format.
    """
    if isinstance(source, nn.Module):
        path, checkpoint = f'<{type(source).__name__}>', source.state_dict()
    elif isinstance(source, dict):
        path, checkpoint = '<state dict>', source
    else:
        path, checkpoint = source, _load_file(source)
    raw, layout, dropped = _unwrap(checkpoint, path)
    state, heads = to_mmpretrain_names(raw)
    name = _format_name(layout, raw)
    folded = fold_into_cls_token(state)  # TECViT: the CLS token's MLP
    if folded:
        dropped += [f'{k} (folded into cls_token)' for k in folded]
        name = 'tec'
    meta = checkpoint.get('meta')
    meta = meta if isinstance(meta, dict) else {}
    return BaseCheckpoint(path, name, _with_cls_position(state),
                          dropped + heads,
                          meta.get('base_model', {}).get('format', ''),
                          generation_of(meta))


def check_base_file(path: str, key: str = 'model.target_generator') -> None:
    """Refuse a base checkpoint path that is not a file.

    Args:
        path (str): The path.
        key (str): The config section that names it, for the message.

    Raises:
        MissingInput: No file there.
    """
    if not osp.isfile(path):
        raise MissingInput(
            f'Base checkpoint not found: {path!r}. Set it with '
            f'--cfg-options {key}.checkpoint=PATH')


def _load_file(path: str) -> dict:
    """``torch.load`` a base checkpoint with a clear refusal."""
    check_base_file(path)
    try:
        return load_checkpoint_file(path, map_location='cpu')
    except Exception as err:  # torch raises many types for a broken file
        raise BaseCheckpointError(
            f'{path}: cannot be read as a PyTorch checkpoint '
            f'({type(err).__name__}: {err})') from err


def check_weight_values(state: Dict[str, torch.Tensor], name: str) -> None:
    """Refuse weights that cannot make targets: not floating point (a
    wrongly converted file) or not finite (a diverged run).

    Args:
        state (dict): The ViT weights to load.
        name (str): The checkpoint, for the message.

    Raises:
        BaseCheckpointError: Naming the first bad tensors.
    """
    integral = [k for k, v in state.items() if not v.is_floating_point()]
    if integral:
        raise BaseCheckpointError(
            f'{name}: {len(integral)} weight tensors are not floating point '
            f'(e.g. {integral[0]!r}: {state[integral[0]].dtype}); a base '
            'model needs float weights')
    broken = [k for k, v in state.items() if not torch.isfinite(v).all()]
    if broken:
        raise BaseCheckpointError(
            f'{name}: {len(broken)} weight tensors hold NaN or Inf (e.g. '
            f'{broken[0]!r}); the run that saved it diverged: take an '
            'earlier checkpoint')
