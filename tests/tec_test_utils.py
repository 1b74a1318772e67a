"""Shared pieces of the tests: a tiny architecture, base checkpoints, and an
independent plain-torch ViT in timm/MAE naming used as numerical reference."""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.models import VisionTransformer
from torch import nn

TINY_ARCH = dict(
    embed_dims=24, num_layers=3, num_heads=2, feedforward_channels=48)
IMG, PATCH = 16, 4  # 4 x 4 = 16 patches


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

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = _Attn(dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = _Mlp(dim, hidden)


class _PatchEmbed(nn.Module):

    def __init__(self, in_ch: int, dim: int, patch: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(in_ch, dim, patch, stride=patch)


class ReferenceViT(nn.Module):
    """A ViT written from the MAE/timm definition, with timm's key names."""

    def __init__(self, arch: dict = TINY_ARCH, img: int = IMG,
                 patch: int = PATCH, in_ch: int = 3, std: float = 0.3) -> None:
        super().__init__()
        dim = arch['embed_dims']
        self.heads = arch['num_heads']
        self.patch_embed = _PatchEmbed(in_ch, dim, patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
        self.pos_embed = nn.Parameter(
            torch.randn(1, (img // patch)**2 + 1, dim))
        self.blocks = nn.ModuleList(
            _Block(dim, arch['feedforward_channels'])
            for _ in range(arch['num_layers']))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        for p in self.parameters():  # exercise every weight, LNs included
            nn.init.normal_(p, std=std)

    def forward(self, img: torch.Tensor
                ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Return every block's output and pre-softmax attention logits."""
        x = self.patch_embed.proj(img).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(len(x), -1, -1), x], 1)
        x = x + self.pos_embed
        outs, logits = [], []
        B, L, C = x.shape
        d = C // self.heads
        for blk in self.blocks:
            q, k, v = blk.attn.qkv(blk.norm1(x)).reshape(
                B, L, 3, self.heads, d).permute(2, 0, 3, 1, 4)
            a = q @ k.transpose(-2, -1) / d**0.5
            o = (a.softmax(-1) @ v).transpose(1, 2).reshape(B, L, C)
            x = x + blk.attn.proj(o)
            x = x + blk.mlp.fc2(F.gelu(blk.mlp.fc1(blk.norm2(x))))
            outs.append(x)
            logits.append(a)
        return outs, logits


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
            arch=TINY_ARCH, img_size=IMG, patch_size=PATCH,
            in_channels=in_ch, top_k=3, with_attention=attention))
