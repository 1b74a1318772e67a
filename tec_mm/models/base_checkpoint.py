"""Reading a base model's checkpoint into MMPretrain's ViT naming.

A base checkpoint is a file a user downloaded or trained: the MAE official
release (``{'model': ...}`` with timm names) or an MMPretrain checkpoint
(``{'state_dict': ...}`` with ``backbone.`` and MMPretrain names), or a plain
state dict in either naming. Whatever the layout, the result is a state dict
in the naming of :class:`mmpretrain.models.VisionTransformer`.
"""
import os.path as osp
import re
from typing import Dict, List, Tuple

import torch

from tec_mm.engine.checkpoint_loading import load_checkpoint_file

# timm / MAE official name -> MMPretrain VisionTransformer name.
_TIMM_TO_MMPRETRAIN = [
    (r'^patch_embed\.proj\.', 'patch_embed.projection.'),
    (r'^blocks\.(\d+)\.norm1\.', r'layers.\1.ln1.'),
    (r'^blocks\.(\d+)\.norm2\.', r'layers.\1.ln2.'),
    (r'^blocks\.(\d+)\.attn\.', r'layers.\1.attn.'),
    (r'^blocks\.(\d+)\.mlp\.fc1\.', r'layers.\1.ffn.layers.0.0.'),
    (r'^blocks\.(\d+)\.mlp\.fc2\.', r'layers.\1.ffn.layers.1.'),
    (r'^norm\.', 'ln1.'),
]

# Keys of pretraining heads that a backbone never uses.
_HEAD_PREFIXES = ('head.', 'fc_norm.', 'decoder', 'mask_token', 'neck.',
                  'data_preprocessor.')


class BaseCheckpointError(ValueError):
    """A base checkpoint that cannot be used, with what to change."""


def _unwrap(checkpoint: dict, path: str) -> Tuple[Dict[str, torch.Tensor], str]:
    """Find the backbone state dict inside a checkpoint's layout.

    Returns:
        Tuple[dict, str]: The state dict (names still in the file's naming,
        wrapper prefixes removed) and the name of the layout.
    """
    if not isinstance(checkpoint, dict):
        raise BaseCheckpointError(
            f'{path}: expected a dict, got {type(checkpoint).__name__}.')
    if 'model' in checkpoint and isinstance(checkpoint['model'], dict):
        return checkpoint['model'], 'mae'
    if 'state_dict' in checkpoint and isinstance(checkpoint['state_dict'],
                                                 dict):
        state = checkpoint['state_dict']
        if any(k.startswith('backbone.') for k in state):
            return {
                k[len('backbone.'):]: v
                for k, v in state.items() if k.startswith('backbone.')
            }, 'mmpretrain'
        return state, 'state_dict'
    if checkpoint and all(isinstance(v, torch.Tensor)
                          for v in checkpoint.values()):
        return checkpoint, 'plain'
    raise BaseCheckpointError(
        f'{path}: unknown checkpoint layout; top-level keys seen: '
        f'{sorted(checkpoint)[:20]}. Expected {{"model": ...}} (MAE), '
        '{"state_dict": ...} (MMPretrain) or a plain state dict.')


def to_mmpretrain_names(
        state: Dict[str, torch.Tensor]
) -> Tuple[Dict[str, torch.Tensor], List[str]]:
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


def read_base_checkpoint(
        path: str) -> Tuple[Dict[str, torch.Tensor], str, List[str]]:
    """Read a base checkpoint file as an MMPretrain ViT state dict.

    Args:
        path (str): The checkpoint file.

    Returns:
        Tuple[dict, str, List[str]]: The state dict in MMPretrain naming, the
        name of the detected layout (``'mae'``, ``'mmpretrain'``,
        ``'state_dict'`` or ``'plain'``) and the dropped head keys.

    Raises:
        FileNotFoundError: The file does not exist.
        BaseCheckpointError: The file cannot be read or has no ViT in it.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'Base checkpoint not found: {path!r}. Set it with '
            '--cfg-options model.target_generator.checkpoint=PATH')
    try:
        checkpoint = load_checkpoint_file(path, map_location='cpu')
    except Exception as err:  # torch raises many types for a broken file
        raise BaseCheckpointError(
            f'{path}: cannot be read as a PyTorch checkpoint '
            f'({type(err).__name__}: {err})') from err
    state, layout = _unwrap(checkpoint, path)
    for wrapper in ('module.', 'backbone.'):
        if state and all(k.startswith(wrapper) for k in state):
            state = {k[len(wrapper):]: v for k, v in state.items()}
    state, dropped = to_mmpretrain_names(state)
    return state, layout, dropped
