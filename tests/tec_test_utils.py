"""Shared pieces of the tests: a tiny architecture, base checkpoints, and an
independent plain-torch ViT in timm/MAE naming used as numerical reference."""
import math
import os.path as osp
import subprocess
import sys
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.models import VisionTransformer
from torch import nn

TINY_ARCH = dict(
    embed_dims=24, num_layers=3, num_heads=2, feedforward_channels=48)
IMG, PATCH = 16, 4  # 4 x 4 = 16 patches
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``tools/<name>`` with this interpreter; output captured."""
    return subprocess.run([sys.executable, osp.join(ROOT, 'tools', name),
                           *args], capture_output=True, text=True,
                          timeout=900)


class _Attn(nn.Module):

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)


class _Mlp(nn.Module):

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)


class _Block(nn.Module):

    def __init__(self, dim: int, hidden: int, layer_scale: bool) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = _Attn(dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = _Mlp(dim, hidden)
        if layer_scale:  # DINOv2 / timm LayerScale: ls1.gamma, ls2.gamma
            self.ls1 = _Gamma(dim)
            self.ls2 = _Gamma(dim)


class _Gamma(nn.Module):

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(dim))


class _PatchEmbed(nn.Module):

    def __init__(self, in_ch: int, dim: int, patch: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(in_ch, dim, patch, stride=patch)


class ReferenceViT(nn.Module):
    """A ViT written from the MAE/timm/DINO definitions, with timm's names.

    Args:
        layer_scale: blocks scale their branches by ``ls1/ls2.gamma``.
        class_pos: ``pos_embed`` has a CLS row (timm ``no_embed_class``
            models have none: their CLS token gets no position).
        grid_offset: how the position grid is resized for another input
            size: 0 resizes to the target size (MAE, timm, MMPretrain), 0.1
            scales by ``(new + 0.1) / old`` (DINO, iBOT, DINOv2).
    """

    def __init__(self, arch: dict = TINY_ARCH, img: int = IMG,
                 patch: int = PATCH, in_ch: int = 3, std: float = 0.3,
                 layer_scale: bool = False, class_pos: bool = True,
                 grid_offset: float = 0.) -> None:
        super().__init__()
        dim = arch['embed_dims']
        self.heads = arch['num_heads']
        self.grid = img // patch
        self.class_pos = class_pos
        self.grid_offset = grid_offset
        self.patch_embed = _PatchEmbed(in_ch, dim, patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
        self.pos_embed = nn.Parameter(
            torch.randn(1, self.grid**2 + int(class_pos), dim))
        self.blocks = nn.ModuleList(
            _Block(dim, arch['feedforward_channels'], layer_scale)
            for _ in range(arch['num_layers']))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        for p in self.parameters():  # exercise every weight, LNs included
            nn.init.normal_(p, std=std)

    def patch_positions(self, side: int) -> torch.Tensor:
        """Position embeddings of a side x side grid: 1 x side^2 x C."""
        pos = self.pos_embed[:, int(self.class_pos):]
        if side == self.grid:
            return pos
        square = pos.reshape(1, self.grid, self.grid, -1).permute(0, 3, 1, 2)
        if self.grid_offset:  # DINO: scale_factor=(w0 + 0.1) / sqrt(N)
            scale = (side + self.grid_offset) / self.grid
            square = F.interpolate(
                square, scale_factor=(scale, scale), mode='bicubic')
        else:  # MAE / timm: size=(new, new), align_corners=False
            square = F.interpolate(
                square, size=(side, side), mode='bicubic',
                align_corners=False)
        return square.permute(0, 2, 3, 1).reshape(1, side * side, -1)

    def forward(self, img: torch.Tensor
                ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Return every block's output and pre-softmax attention logits."""
        x = self.patch_embed.proj(img).flatten(2)
        side = math.isqrt(x.shape[-1])
        x = x.transpose(1, 2) + self.patch_positions(side)
        cls = self.cls_token + (self.pos_embed[:, :1] if self.class_pos else 0)
        x = torch.cat([cls.expand(len(x), -1, -1), x], 1)
        outs, logits = [], []
        B, L, C = x.shape
        d = C // self.heads
        for blk in self.blocks:
            ls1 = blk.ls1.gamma if hasattr(blk, 'ls1') else 1.
            ls2 = blk.ls2.gamma if hasattr(blk, 'ls2') else 1.
            q, k, v = blk.attn.qkv(blk.norm1(x)).reshape(
                B, L, 3, self.heads, d).permute(2, 0, 3, 1, 4)
            a = q @ k.transpose(-2, -1) / d**0.5
            o = (a.softmax(-1) @ v).transpose(1, 2).reshape(B, L, C)
            x = x + ls1 * blk.attn.proj(o)
            x = x + ls2 * blk.mlp.fc2(F.gelu(blk.mlp.fc1(blk.norm2(x))))
            outs.append(x)
            logits.append(a)
        return outs, logits

    def feature_target(self, img: torch.Tensor) -> torch.Tensor:
        """TEC's feature target: last 2 raw block outputs, CLS dropped."""
        outs, _ = self(img)
        return (outs[-1][:, 1:] + outs[-2][:, 1:]) / 2


# timm name piece -> MMPretrain name piece, for writing MMPretrain files.
_MMPRETRAIN_PIECES = [('patch_embed.proj.', 'patch_embed.projection.'),
                      ('blocks.', 'layers.'), ('.norm1.', '.ln1.'),
                      ('.norm2.', '.ln2.'), ('.mlp.fc1.', '.ffn.layers.0.0.'),
                      ('.mlp.fc2.', '.ffn.layers.1.'),
                      ('.ls1.gamma', '.attn.gamma1.weight'),
                      ('.ls2.gamma', '.ffn.gamma2.weight')]


def mmpretrain_state(ref: ReferenceViT) -> dict:
    """``ref``'s weights under MMPretrain's VisionTransformer names."""
    state = {}
    for key, value in ref.state_dict().items():
        key = 'ln1.' + key[5:] if key.startswith('norm.') else key
        for old, new in _MMPRETRAIN_PIECES:
            key = key.replace(old, new)
        state[key] = value
    return state


def write_mae_checkpoint(path: str, arch: dict = TINY_ARCH, img: int = IMG,
                         patch: int = PATCH, in_ch: int = 3,
                         std: float = 0.3) -> ReferenceViT:
    """Save a random ReferenceViT as the MAE release does; return it."""
    ref = ReferenceViT(arch, img, patch, in_ch, std)
    state = dict(ref.state_dict())
    state['head.weight'] = torch.zeros(10, arch['embed_dims'])  # dropped
    torch.save({'model': state}, path)
    return ref


def write_mmpretrain_checkpoint(path: str, arch: dict = TINY_ARCH,
                                img: int = IMG, patch: int = PATCH,
                                in_ch: int = 3) -> VisionTransformer:
    """Save a random MMPretrain ViT as an MMPretrain checkpoint."""
    vit = VisionTransformer(
        arch=arch, img_size=img, patch_size=patch, in_channels=in_ch)
    torch.save(
        {
            'meta': {},
            'state_dict':
            {f'backbone.{k}': v
             for k, v in vit.state_dict().items()}
        }, path)
    return vit


def tiny_tec_cfg(checkpoint: str, attention: bool = True,
                 in_ch: int = 3) -> dict:
    """A tiny TECAlgorithm config on ``checkpoint``."""
    dims, layers = TINY_ARCH['embed_dims'], TINY_ARCH['num_layers']
    return dict(
        type='TECAlgorithm',
        backbone=dict(
            type='TECViT', arch=TINY_ARCH, img_size=IMG, patch_size=PATCH,
            in_channels=in_ch),
        neck=dict(
            type='ConditionalAdapter', embed_dims=dims, num_layers=layers,
            decoder_embed_dims=16),
        head=dict(
            type='TECReconstructionHead',
            decoder=dict(
                num_patches=(IMG // PATCH)**2, embed_dims=dims,
                decoder_embed_dims=16, num_heads=2,
                target_heads=TINY_ARCH['num_heads']),
            attention_loss=dict(type='AttentionRelationLoss', tau=1.8)
            if attention else None),
        target_generator=dict(
            type='PatchRelationTarget', checkpoint=checkpoint,
            arch=TINY_ARCH, img_size=IMG, patch_size=PATCH, top_k=3,
            with_attention=attention))
