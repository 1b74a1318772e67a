"""The architecture of a base model, read from its weights."""
import math
from dataclasses import dataclass
from typing import Optional, Tuple, Union

import torch
import torch.nn.functional as F
from mmpretrain.models import VisionTransformer
from mmpretrain.models.utils import resize_pos_embed

from .base_checkpoint import BaseCheckpoint, BaseCheckpointError

# Head counts of the published ViTs by width (head dim 64, ViT-H: 80).
_HEADS_BY_WIDTH = {192: 3, 384: 6, 768: 12, 1024: 16, 1280: 16, 1536: 24}

# DINO, iBOT and DINOv2 resize their position grid with a scale factor of
# (new + 0.1) / old; MAE, timm and MMPretrain with the target size.
_GRID_OFFSET = {'dino': 0.1, 'ibot': 0.1, 'dinov2': 0.1}

_REQUIRED = ('cls_token', 'pos_embed', 'patch_embed.projection.weight',
             'layers.0.attn.qkv.weight', 'layers.0.ffn.layers.0.0.weight')


@dataclass
class BaseArchitecture:
    """What :class:`PatchRelationTarget` builds for a base checkpoint.

    Attributes:
        embed_dims (int): Token width C.
        num_layers (int): Number of blocks.
        num_heads (int): Attention heads (not stored in weights: the width's
            published count unless the config names it).
        feedforward_channels (int): MLP hidden width.
        patch_size (int): Patch size.
        in_channels (int): Image channels.
        qkv_bias (bool): Whether qkv has a bias.
        layer_scale (bool): Whether blocks have LayerScale.
        grid (Tuple[int, int]): The checkpoint's position-embedding grid.
        grid_offset (float): The format's resize convention (see
            :func:`resize_grid`).
    """
    embed_dims: int
    num_layers: int
    num_heads: int
    feedforward_channels: int
    patch_size: int
    in_channels: int
    qkv_bias: bool
    layer_scale: bool
    grid: Tuple[int, int]
    grid_offset: float

    def arch_dict(self) -> dict:
        """The ``arch`` argument of MMPretrain's ``VisionTransformer``."""
        return dict(
            embed_dims=self.embed_dims,
            num_layers=self.num_layers,
            num_heads=self.num_heads,
            feedforward_channels=self.feedforward_channels)

    def plain_vit_kwargs(self) -> dict:
        """The arguments of MMPretrain's ``VisionTransformer`` with exactly
        these weights, at the checkpoint's own grid."""
        return dict(arch=self.arch_dict(),
                    img_size=self.grid[0] * self.patch_size,
                    patch_size=self.patch_size, in_channels=self.in_channels,
                    qkv_bias=self.qkv_bias)


def _config_arch(arch: Union[str, dict, None]) -> dict:
    """The dims a config asks for (empty when it leaves them to the file)."""
    if arch is None:
        return {}
    if isinstance(arch, str):
        if arch.lower() not in VisionTransformer.arch_zoo:
            raise ValueError(f'Unknown ViT arch {arch!r}; choose from '
                             f'{sorted(VisionTransformer.arch_zoo)}')
        return dict(VisionTransformer.arch_zoo[arch.lower()])
    return dict(arch)


def infer_architecture(ckpt: BaseCheckpoint,
                       arch: Union[str, dict, None] = None,
                       patch_size: Optional[int] = None) -> BaseArchitecture:
    """Read a base model's architecture from its weights.

    Args:
        ckpt (BaseCheckpoint): The base checkpoint.
        arch (str | dict, optional): What the config says; every value it
            gives must agree with the weights, ``num_heads`` is taken from
            it. None leaves everything to the weights.
        patch_size (int, optional): Likewise for the patch size.

    Returns:
        BaseArchitecture: The architecture.

    Raises:
        BaseCheckpointError: No ViT in the weights, or the config disagrees.
    """
    state = ckpt.state
    absent = [k for k in _REQUIRED if k not in state]
    if absent:
        raise BaseCheckpointError(
            f'{ckpt.path} ({ckpt.format}): no ViT with a CLS token and a '
            f'GELU MLP found; missing {absent}; keys seen: '
            f'{sorted(state)[:12]}')
    proj = state['patch_embed.projection.weight']
    width = proj.shape[0]
    pos = state['pos_embed']
    side = math.isqrt(pos.shape[1] - 1)
    if side * side != pos.shape[1] - 1:
        raise BaseCheckpointError(
            f'{ckpt.path}: pos_embed {tuple(pos.shape)} is not a square grid')
    found = dict(
        embed_dims=width,
        num_layers=1 + max(
            int(k.split('.')[1]) for k in state if k.startswith('layers.')),
        feedforward_channels=state['layers.0.ffn.layers.0.0.weight'].shape[0])
    wanted = _config_arch(arch)
    wrong = {
        k: f'{wanted[k]} in the config, {v} in the checkpoint'
        for k, v in found.items() if k in wanted and wanted[k] != v
    }
    if patch_size is not None and patch_size != proj.shape[-1]:
        wrong['patch_size'] = (f'{patch_size} in the config, '
                               f'{proj.shape[-1]} in the checkpoint')
    if wrong:
        raise BaseCheckpointError(
            f'{ckpt.path} ({ckpt.format}) is not the ViT the config names: '
            f'{wrong}. Remove model.target_generator.arch/patch_size (they '
            'are read from the checkpoint) or correct them.')
    heads = wanted.get('num_heads', _HEADS_BY_WIDTH.get(width))
    if heads is None:
        raise BaseCheckpointError(
            f'{ckpt.path}: width {width} has no standard head count; set '
            'model.target_generator.arch=dict(num_heads=H)')
    return BaseArchitecture(
        num_heads=heads,
        patch_size=proj.shape[-1],
        in_channels=proj.shape[1],
        qkv_bias='layers.0.attn.qkv.bias' in state,
        layer_scale='layers.0.attn.gamma1.weight' in state,
        grid=(side, side),
        grid_offset=_GRID_OFFSET.get(ckpt.origin, 0.),
        **found)


def resize_grid(pos_embed: torch.Tensor, src: Tuple[int, int],
                dst: Tuple[int, int], offset: float = 0.) -> torch.Tensor:
    """Resize a position embedding with a CLS row to another patch grid.

    Bicubic. With ``offset=0`` the target size is given (MAE, timm,
    MMPretrain); otherwise the scale factor ``(dst + offset) / src`` is
    (DINO, iBOT, DINOv2), which samples slightly different points.

    Args:
        pos_embed (torch.Tensor): 1 x (1 + src_h * src_w) x C.
        src (Tuple[int, int]): Its grid.
        dst (Tuple[int, int]): The wanted grid.
        offset (float): The format's offset. Defaults to 0.

    Returns:
        torch.Tensor: 1 x (1 + dst_h * dst_w) x C.
    """
    if offset == 0 or tuple(src) == tuple(dst):
        return resize_pos_embed(pos_embed, src, dst, 'bicubic', 1)
    C = pos_embed.shape[-1]
    grid = pos_embed[:, 1:].reshape(1, *src, C).permute(0, 3, 1, 2)
    grid = F.interpolate(
        grid.float(),
        scale_factor=((dst[0] + offset) / src[0], (dst[1] + offset) / src[1]),
        mode='bicubic')
    grid = grid.to(pos_embed.dtype).flatten(2).transpose(1, 2)
    return torch.cat([pos_embed[:, :1], grid], dim=1)
