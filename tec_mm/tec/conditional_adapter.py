"""TEC's conditional adapters between the new encoder and the decoders."""
from typing import List, Optional, Sequence, Union

import torch
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from tec_mm.registry import MODELS
from torch import nn


class EncoderAdapter(BaseModule):
    """One encoder adapter: fuses all block outputs into one token sequence.

    The L block outputs are concatenated along channels (L*C) and
    LayerNorm-ed, split into L / ``group_size`` groups of consecutive blocks;
    each group goes through Linear(group_size*C -> C) and a residual MLP
    (C -> ``mlp_ratio`` * D_dec -> C, GELU); the groups are summed and
    LayerNorm-ed.

    Args:
        embed_dims (int): Encoder width C.
        num_layers (int): Number of encoder blocks L.
        decoder_embed_dims (int): Decoder width D_dec.
        group_size (int): Consecutive blocks per group. Defaults to 3.
        mlp_ratio (int): Hidden ratio of the residual MLP relative to D_dec.
            Defaults to 4.
        norm_cfg (dict): Normalisation layer config.
    """

    def __init__(self,
                 embed_dims: int,
                 num_layers: int,
                 decoder_embed_dims: int,
                 group_size: int = 3,
                 mlp_ratio: int = 4,
                 norm_cfg: dict = dict(type='LN', eps=1e-6)) -> None:
        super().__init__()
        if num_layers % group_size:
            raise ValueError(f'num_layers={num_layers} is not a multiple of '
                             f'group_size={group_size}')
        self.embed_dims = embed_dims
        self.num_layers = num_layers
        self.group_size = group_size
        num_groups = num_layers // group_size
        self.ln_in = build_norm_layer(norm_cfg, embed_dims * num_layers)[1]
        self.group_proj = nn.ModuleList(
            nn.Linear(group_size * embed_dims, embed_dims)
            for _ in range(num_groups))
        hidden = mlp_ratio * decoder_embed_dims
        self.group_mlp = nn.ModuleList(
            nn.Sequential(
                nn.Linear(embed_dims, hidden), nn.GELU(),
                nn.Linear(hidden, embed_dims)) for _ in range(num_groups))
        self.ln_out = build_norm_layer(norm_cfg, embed_dims)[1]

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        """Fuse the block outputs.

        Args:
            feats (Sequence[torch.Tensor]): L tensors, B x T x C.

        Returns:
            torch.Tensor: B x T x C.
        """
        if len(feats) != self.num_layers:
            raise ValueError(f'expected {self.num_layers} block outputs, '
                             f'got {len(feats)}')
        x = self.ln_in(torch.cat(list(feats), dim=-1))
        groups = x.split(self.group_size * self.embed_dims, dim=-1)
        out = 0
        for chunk, proj, mlp in zip(groups, self.group_proj, self.group_mlp):
            h = proj(chunk)
            out = out + h + mlp(h)
        return self.ln_out(out)


@MODELS.register_module()
class ConditionalAdapter(BaseModule):
    """One :class:`EncoderAdapter` per named base model.

    The adapter used for a batch is the one of the base model that made the
    batch's targets; adapters are dropped after pretraining.

    Args:
        embed_dims (int): Encoder width C. Defaults to 768.
        num_layers (int): Number of encoder blocks L. Defaults to 12.
        decoder_embed_dims (int): Decoder width D_dec. Defaults to 512.
        base_names (Sequence[str]): Names of the base models.
            Defaults to ``('mae', )``.
        group_size (int): Consecutive blocks per group. Defaults to 3.
        mlp_ratio (int): Residual MLP hidden ratio relative to D_dec.
            Defaults to 4.
        norm_cfg (dict): Normalisation layer config.
        init_cfg (dict | list, optional): Initialisation config.
    """

    def __init__(self,
                 embed_dims: int = 768,
                 num_layers: int = 12,
                 decoder_embed_dims: int = 512,
                 base_names: Sequence[str] = ('mae', ),
                 group_size: int = 3,
                 mlp_ratio: int = 4,
                 norm_cfg: dict = dict(type='LN', eps=1e-6),
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.adapters = nn.ModuleDict({
            name: EncoderAdapter(embed_dims, num_layers, decoder_embed_dims,
                                 group_size, mlp_ratio, norm_cfg)
            for name in base_names
        })

    def forward(self, feats: Sequence[torch.Tensor],
                base: str) -> torch.Tensor:
        """Adapt the encoder outputs to base model ``base``.

        Args:
            feats (Sequence[torch.Tensor]): L tensors, B x T x C.
            base (str): Name of the base model that made the targets.

        Returns:
            torch.Tensor: B x T x C.
        """
        if base not in self.adapters:
            raise KeyError(f'no conditional adapter for base model {base!r}; '
                           f'adapters: {list(self.adapters)}')
        return self.adapters[base](feats)
