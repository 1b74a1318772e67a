"""MMPretrain's MAE encoder and decoder with position embeddings that follow
the input's patch grid, for progressive resolution schedules."""
from typing import Optional, Tuple

import torch
from mmpretrain.models import MAEViT
from mmpretrain.models.necks import MAEPretrainDecoder
from mmpretrain.models.utils import (build_2d_sincos_position_embedding,
                                     resize_pos_embed)

from tec_mm.registry import MODELS


@MODELS.register_module()
class ResizableMAEViT(MAEViT):
    """:class:`MAEViT` whose position embedding is interpolated to the grid
    of each input (MMPretrain's adds the training grid's).

    At the training size it computes exactly what :class:`MAEViT` does;
    unmasked it is :class:`VisionTransformer`, which already resizes.
    """

    def forward(self, x: torch.Tensor, mask: Optional[bool] = True
                ) -> Tuple[torch.Tensor, ...]:
        """Encode images with random masking (or plain ViT features).

        Args:
            x (torch.Tensor): Images, B x C_in x H x W.
            mask (bool, optional): Mask patches when True.

        Returns:
            ``(latent, mask, ids_restore)`` as :class:`MAEViT`: latent
            B x (1+N_vis) x C, mask and ids_restore B x N.
        """
        if not mask:
            return super().forward(x, mask)
        B = x.shape[0]
        x, hw = self.patch_embed(x)
        pos_embed = resize_pos_embed(
            self.pos_embed, self.patch_resolution, hw,
            mode=self.interpolate_mode, num_extra_tokens=1)
        x, patch_mask, ids_restore = self.random_masking(
            x + pos_embed[:, 1:], self.mask_ratio)
        cls_token = (self.cls_token + pos_embed[:, :1]).expand(B, -1, -1)
        x = torch.cat([cls_token, x], dim=1)
        for layer in self.layers:
            x = layer(x)
        return self.norm1(x), patch_mask, ids_restore


@MODELS.register_module()
class ResizableMAEPretrainDecoder(MAEPretrainDecoder):
    """:class:`MAEPretrainDecoder` that adds the fixed 2-D sin-cos position
    embedding of the input's grid (its own at the training grid)."""

    def forward(self, x: torch.Tensor,
                ids_restore: torch.Tensor) -> torch.Tensor:
        """Reconstruct the patches.

        Args:
            x (torch.Tensor): Encoder tokens, B x (1+N_vis) x C.
            ids_restore (torch.Tensor): B x N.

        Returns:
            torch.Tensor: Predictions, B x N x (patch pixels).
        """
        num_patches = ids_restore.shape[1]
        pos_embed = self.decoder_pos_embed
        if num_patches != self.num_patches:
            pos_embed = build_2d_sincos_position_embedding(
                int(num_patches**.5), pos_embed.shape[-1],
                cls_token=True).to(pos_embed)
        x = self.decoder_embed(x)
        hidden = self.mask_token.expand(len(x), num_patches + 1 - x.shape[1],
                                        -1)
        patches = torch.cat([x[:, 1:], hidden], dim=1).gather(
            1, ids_restore[..., None].expand(-1, -1, x.shape[-1]))
        x = torch.cat([x[:, :1], patches], dim=1) + pos_embed
        for block in self.decoder_blocks:
            x = block(x)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:]
