"""TEC's feature and attention decoders, which share their blocks."""
import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmpretrain.models.backbones.vision_transformer import \
    TransformerEncoderLayer
from mmpretrain.models.utils import build_2d_sincos_position_embedding
from tec_mm.registry import MODELS
from torch import nn

from .patch_relations import relation_logits


def unshuffle(tokens: torch.Tensor, mask_token: torch.Tensor,
              ids_restore: torch.Tensor) -> torch.Tensor:
    """Fill masked positions with ``mask_token`` and restore patch order.

    Args:
        tokens (torch.Tensor): CLS + visible tokens, B x (1+N_vis) x D, the
            visible ones in shuffled (kept) order.
        mask_token (torch.Tensor): 1 x 1 x D.
        ids_restore (torch.Tensor): B x N, position of each patch in the
            shuffled order.

    Returns:
        torch.Tensor: B x (1+N) x D in the original patch order.
    """
    B, T, D = tokens.shape
    masked = mask_token.expand(B, ids_restore.shape[1] + 1 - T, D)
    shuffled = torch.cat([tokens[:, 1:], masked], dim=1)
    patches = shuffled.gather(1, ids_restore.unsqueeze(-1).expand(-1, -1, D))
    return torch.cat([tokens[:, :1], patches], dim=1)


class DecoderInput(nn.Module):
    """A decoder's own embedding, mask token and output LayerNorm.

    Args:
        embed_dims (int): Encoder width C.
        decoder_embed_dims (int): Decoder width D_dec.
        norm_cfg (dict): Normalisation layer config.
    """

    def __init__(self, embed_dims: int, decoder_embed_dims: int,
                 norm_cfg: dict) -> None:
        super().__init__()
        self.embed = nn.Linear(embed_dims, decoder_embed_dims)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, decoder_embed_dims))
        self.ln = build_norm_layer(norm_cfg, decoder_embed_dims)[1]


@MODELS.register_module()
class TECDecoder(BaseModule):
    """Feature decoder and attention decoder with shared blocks.

    Each decoder: its own Linear(C -> D_dec) and mask token for the masked
    positions, unshuffle, fixed sin-cos position embedding, the *shared*
    transformer blocks, its own LayerNorm, then a prediction layer of the
    base model in use: Linear(D_dec -> C_base) for features (CLS dropped;
    C_base is that base's width, which may differ from the encoder's),
    Linear(D_dec -> 2C) split into q and k with H heads for attention.

    Args:
        num_patches (int): N. Defaults to 196.
        embed_dims (int): Encoder width C. Defaults to 768.
        decoder_embed_dims (int): D_dec. Defaults to 512.
        depth (int): Number of shared blocks. Defaults to 2.
        num_heads (int): Heads of the decoder blocks. Defaults to 16.
        mlp_ratio (int): MLP ratio of the blocks. Defaults to 4.
        target_heads (int): H, the base model's head count. Defaults to 12.
        base_names (Sequence[str]): One pair of prediction layers per base
            model. Defaults to ``('mae', )``.
        base_dims (Dict[str, int], optional): Feature width of each base
            model (``TECAlgorithm`` fills it from the bases); C for a base
            left out. Defaults to None.
        with_attention (bool): Build the attention decoder.
            Defaults to True.
        norm_cfg (dict): Normalisation layer config.
        init_cfg (dict | list, optional): Initialisation config.
    """

    def __init__(self,
                 num_patches: int = 196,
                 embed_dims: int = 768,
                 decoder_embed_dims: int = 512,
                 depth: int = 2,
                 num_heads: int = 16,
                 mlp_ratio: int = 4,
                 target_heads: int = 12,
                 base_names: Sequence[str] = ('mae', ),
                 base_dims: Optional[Dict[str, int]] = None,
                 with_attention: bool = True,
                 norm_cfg: dict = dict(type='LN', eps=1e-6),
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if embed_dims % target_heads:
            raise ValueError(f'embed_dims={embed_dims} is not divisible by '
                             f'target_heads={target_heads}')
        self.embed_dims = embed_dims
        self.target_heads = target_heads
        self.with_attention = with_attention
        self.register_buffer(
            'pos_embed',
            build_2d_sincos_position_embedding(
                int(num_patches**.5), decoder_embed_dims,
                cls_token=True).float(),
            persistent=False)
        self.blocks = nn.ModuleList(
            TransformerEncoderLayer(
                decoder_embed_dims,
                num_heads,
                mlp_ratio * decoder_embed_dims,
                qkv_bias=True,
                norm_cfg=norm_cfg) for _ in range(depth))
        self.feature_input = DecoderInput(embed_dims, decoder_embed_dims,
                                          norm_cfg)
        base_dims = base_dims or {}
        self.feature_pred = nn.ModuleDict({
            name: nn.Linear(decoder_embed_dims,
                            base_dims.get(name, embed_dims))
            for name in base_names
        })
        if with_attention:
            self.attention_input = DecoderInput(embed_dims,
                                                decoder_embed_dims, norm_cfg)
            self.attention_pred = nn.ModuleDict({
                name: nn.Linear(decoder_embed_dims, 2 * embed_dims)
                for name in base_names
            })

    def init_weights(self) -> None:
        """Mask tokens ~ N(0, 0.02); the rest as configured."""
        super().init_weights()
        for branch in (self.feature_input,
                       getattr(self, 'attention_input', None)):
            if branch is not None:
                nn.init.normal_(branch.mask_token, std=.02)

    def pos_embed_at(self, num_patches: int) -> torch.Tensor:
        """The fixed 2-D sin-cos position embedding of a square grid of
        ``num_patches`` patches (the training grid's, or another one under
        a progressive resolution schedule).

        Args:
            num_patches (int): N, a square number.

        Returns:
            torch.Tensor: 1 x (1+N) x C_dec, CLS position first (zeros).
        """
        if num_patches == self.pos_embed.shape[1] - 1:
            return self.pos_embed
        side = math.isqrt(num_patches)
        if side * side != num_patches:
            raise ValueError(f'{num_patches} patches are not a square grid')
        return build_2d_sincos_position_embedding(
            side, self.pos_embed.shape[-1],
            cls_token=True).float().to(self.pos_embed.device)

    def _decode(self, branch: DecoderInput, x: torch.Tensor,
                ids_restore: torch.Tensor) -> torch.Tensor:
        """Embed, unshuffle, add position, shared blocks, LayerNorm."""
        x = unshuffle(branch.embed(x), branch.mask_token, ids_restore)
        x = x + self.pos_embed_at(ids_restore.shape[1]).to(x.dtype)
        for block in self.blocks:
            x = block(x)
        return branch.ln(x)

    def forward(
        self,
        x: torch.Tensor,
        ids_restore: torch.Tensor,
        base: str,
        indices: Optional[torch.Tensor] = None
    ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Predict the feature and attention targets.

        Args:
            x (torch.Tensor): Adapted encoder tokens, B x (1+N_vis) x C.
            ids_restore (torch.Tensor): B x N.
            base (str): The base model whose prediction layers to use.
            indices (torch.Tensor, optional): B x K top-ranked patch indices;
                needed with the attention decoder.

        Returns:
            Tuple[torch.Tensor, torch.Tensor | None]: Features
            B x N x C_base and attention logits B x (K+1) x H x N (None
            without attention).
        """
        feature = self.feature_pred[base](
            self._decode(self.feature_input, x, ids_restore))[:, 1:]
        if not self.with_attention:
            return feature, None
        if indices is None:
            raise ValueError('the attention decoder needs the top-K indices')
        q, k = self.attention_pred[base](
            self._decode(self.attention_input, x, ids_restore)).chunk(
                2, dim=-1)
        B, L, C = q.shape
        q, k = (t.reshape(B, L, self.target_heads, -1).transpose(1, 2)
                for t in (q, k))  # B x H x (1+N) x C/H
        return feature, relation_logits(q, k, indices, C**-0.5)
