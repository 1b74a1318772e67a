"""The new model's encoder in TEC pretraining."""
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmpretrain.models import MAEViT
from mmpretrain.models.utils import resize_pos_embed
from tec_mm.registry import MODELS
from torch import nn


def cls_mlp(embed_dims: int, hidden: int) -> nn.Sequential:
    """TEC's input adapter of the CLS token: Linear, GELU, Linear.

    Args:
        embed_dims (int): Width C.
        hidden (int): Hidden width.

    Returns:
        nn.Sequential: C -> hidden -> C.
    """
    return nn.Sequential(
        nn.Linear(embed_dims, hidden), nn.GELU(),
        nn.Linear(hidden, embed_dims))


@MODELS.register_module()
class TECViT(MAEViT):
    """MAE-style ViT encoder whose CLS token comes from an input-adapter MLP.

    Patch embedding plus fixed 2-D sin-cos position embedding, per-sample
    random masking (argsort of uniform noise; ``mask_ratio`` of the patches
    are dropped), the CLS token prepended, and only visible tokens through the
    blocks. The CLS token is ``cls_mlp(cls_token)``, an MLP
    C -> ``cls_mlp_ratio`` * C -> C with GELU (TEC's input adapter). With
    masking the encoder returns the outputs of *all* blocks, the last one
    after the final LayerNorm.

    Args:
        arch (str | dict): ViT architecture. Defaults to ``'b'``.
        img_size (int): Input image size. Defaults to 224.
        patch_size (int): Patch size. Defaults to 16.
        in_channels (int): Image channels. Defaults to 3.
        out_indices (Sequence | int): Blocks returned without masking.
            Defaults to -1.
        drop_path_rate (float): Stochastic depth rate. Defaults to 0.
        norm_cfg (dict): Normalisation layer config.
            Defaults to ``dict(type='LN', eps=1e-6)``.
        out_type (str): Output type without masking, see
            :class:`mmpretrain.models.VisionTransformer`.
            Defaults to ``'raw'``.
        mask_ratio (float): Ratio of masked patches. Defaults to 0.75.
        cls_mlp_ratio (int): Hidden ratio of the CLS MLP. Defaults to 4.
        init_cfg (dict | list, optional): Initialisation config.
    """

    def __init__(self,
                 arch: Union[str, dict] = 'b',
                 img_size: int = 224,
                 patch_size: int = 16,
                 in_channels: int = 3,
                 out_indices: Union[Sequence, int] = -1,
                 drop_path_rate: float = 0.,
                 norm_cfg: dict = dict(type='LN', eps=1e-6),
                 out_type: str = 'raw',
                 mask_ratio: float = 0.75,
                 cls_mlp_ratio: int = 4,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        if not 0 <= mask_ratio < 1:
            raise ValueError(f'mask_ratio={mask_ratio} must be in [0, 1)')
        super().__init__(
            arch=arch,
            img_size=img_size,
            patch_size=patch_size,
            out_indices=out_indices,
            drop_path_rate=drop_path_rate,
            norm_cfg=norm_cfg,
            out_type=out_type,
            patch_cfg=dict(in_channels=in_channels),
            mask_ratio=mask_ratio,
            init_cfg=init_cfg)
        self.cls_mlp = cls_mlp(self.embed_dims,
                               cls_mlp_ratio * self.embed_dims)

    def random_masking(
        self,
        x: torch.Tensor,
        mask_ratio: float = 0.75,
        noise: Optional[torch.Tensor] = None
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """MAE's masking: of each image, the ``mask_ratio`` of the patches
        with the largest noise are masked.

        Args:
            x (torch.Tensor): Patch tokens, B x N x C.
            mask_ratio (float): Share of masked patches.
            noise (torch.Tensor, optional): B x N; uniform in [0, 1) when
                None (as MAE draws it).

        Returns:
            Tuple[torch.Tensor, torch.Tensor, torch.Tensor]: the visible
            tokens B x N_vis x C (in the order of increasing noise), the
            mask B x N (1 = masked) and ``ids_restore`` B x N (the rank of
            each patch's noise).
        """
        B, N, C = x.shape
        if noise is None:
            noise = torch.rand(B, N, device=x.device)
        visible = int(N * (1 - mask_ratio))
        ids_shuffle = noise.argsort(dim=1)
        ids_restore = ids_shuffle.argsort(dim=1)
        x = x.gather(1, ids_shuffle[:, :visible, None].expand(-1, -1, C))
        return x, (ids_restore >= visible).to(x.dtype), ids_restore

    def cls_embedding(self) -> torch.Tensor:
        """The CLS token after the input adapter, 1 x 1 x C."""
        return self.cls_mlp(self.cls_token)

    def forward(
        self,
        x: torch.Tensor,
        mask: Optional[bool] = True,
        noise: Optional[torch.Tensor] = None
    ) -> Union[Tuple[List[torch.Tensor], torch.Tensor, torch.Tensor],
               Tuple[torch.Tensor, ...]]:
        """Encode images, with random masking or without.

        Args:
            x (torch.Tensor): Images, B x C_in x H x W.
            mask (bool, optional): Mask patches (pretraining) when True;
                plain ViT features as :class:`VisionTransformer` when
                None/False.
            noise (torch.Tensor, optional): B x N scores choosing the masked
                patches (see :meth:`random_masking`); uniform noise when
                None.

        Returns:
            With masking, ``(outs, mask, ids_restore)``: ``outs`` a list of
            L tensors B x (1+N_vis) x C (the last normalised), ``mask``
            B x N (1 = masked), ``ids_restore`` B x N. Without masking, a
            tuple of the ``out_indices`` outputs in ``out_type`` format.
        """
        B = x.shape[0]
        x, hw = self.patch_embed(x)
        pos_embed = resize_pos_embed(
            self.pos_embed,
            self.patch_resolution,
            hw,
            mode=self.interpolate_mode,
            num_extra_tokens=self.num_extra_tokens)
        x = x + pos_embed[:, 1:]
        if mask:
            x, patch_mask, ids_restore = self.random_masking(
                x, self.mask_ratio, noise)
        cls_token = self.cls_embedding() + pos_embed[:, :1]
        x = torch.cat([cls_token.expand(B, -1, -1), x], dim=1)

        outs = []
        for layer in self.layers:
            x = layer(x)
            outs.append(x)
        outs[-1] = self.ln1(x)
        if mask:
            return outs, patch_mask, ids_restore
        return tuple(
            self._format_output(out, hw) for i, out in enumerate(outs)
            if i in self.out_indices)
