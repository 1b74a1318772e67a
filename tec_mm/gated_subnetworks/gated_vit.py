"""ViT encoders with gated blocks: MMPretrain's MAE encoder, TEC's, and a
plain ``VisionTransformer`` for the exported gated model."""
from typing import Optional, Tuple

import torch
from mmpretrain.models import MAEViT, VisionTransformer
from tec_mm.registry import MODELS
from tec_mm.tec.tec_vit import TECViT

from .gated_encoder_layer import add_gates
from .gated_macs import block_macs


class GatedViTMixin:
    """Gates in every block of a ViT encoder (see
    :class:`GatedEncoderLayer`), switched on and off together, and the MAC
    counts of the last gated forward.

    Args:
        gate_groups (int): MLP channel groups G per block. Defaults to 8.
        gate_cfg (dict, optional): Further arguments of
            :class:`BlockGates` (``hidden_ratio``, ``tau``, ``init_bias``).
        gating (bool): Whether the gates are on after construction.
            Defaults to False.
        *args, **kwargs: Arguments of the encoder.
    """

    def __init__(self, *args, gate_groups: int = 8,
                 gate_cfg: Optional[dict] = None, gating: bool = False,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for layer in self.layers:
            add_gates(layer, gate_groups, **(gate_cfg or {}))
        self.set_gating(gating)

    def set_gating(self, on: bool) -> None:
        """Run the gated sub-network (True) or the dense network."""
        for layer in self.layers:
            layer.gating, layer.last_gates = on, None

    def stem_macs(self) -> int:
        """MACs of the patch embedding at the configured size (not
        gated)."""
        weight = self.patch_embed.projection.weight
        patches = self.patch_resolution[0] * self.patch_resolution[1]
        return patches * weight.numel()

    def gate_statistics(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """MAC ratio and block densities of the last gated forward.

        Returns:
            Tuple[torch.Tensor, torch.Tensor]: Per input, gated / dense MACs
            of the encoder, B (the patch embedding and the gate MLPs'
            own MACs counted), and of each block, L x B (its gate MLP not
            counted).

        Raises:
            RuntimeError: No gated forward since gating was switched on.
        """
        if any(layer.last_gates is None for layer in self.layers):
            raise RuntimeError('gate_statistics needs a forward with '
                               'gating on (set_gating(True))')
        gated = dense = self.stem_macs()
        densities = []
        for layer in self.layers:
            heads, groups, tokens = layer.last_gates
            sizes = (tokens, layer.embed_dims,
                     layer.ffn.layers[0][0].out_features)
            full = block_macs(*sizes)
            block = block_macs(*sizes, heads.mean(1), groups.mean(1))
            densities.append(block / full)
            gated = gated + block + layer.gates.macs
            dense = dense + full
        return gated / dense, torch.stack(densities)


@MODELS.register_module()
class GatedMAEViT(GatedViTMixin, MAEViT):
    """MMPretrain's ``MAEViT`` with gated blocks (see
    :class:`GatedViTMixin` for the gate arguments)."""


@MODELS.register_module()
class GatedTECViT(GatedViTMixin, TECViT):
    """TEC's encoder :class:`TECViT` with gated blocks (see
    :class:`GatedViTMixin` for the gate arguments)."""


@MODELS.register_module()
class GatedViT(GatedViTMixin, VisionTransformer):
    """A plain ``VisionTransformer`` running its gated sub-network: what
    ``tools/export_backbone.py`` writes from a gated pretraining run loads
    here (``gating=True``, the default) or, without the gates, into
    ``VisionTransformer`` as the dense network. In ``eval()`` closed heads
    and channel groups are skipped, not multiplied by zero. Fine-tuning
    keeps the pretrained gates (``freeze_gates``): deterministic (0/1 by
    the sign of their logits) and not trained, the closed parts multiplied
    by zero while training.

    Args:
        gating (bool): Run the gated sub-network. Defaults to True.
        freeze_gates (bool): Keep the gates deterministic and untrained.
            Defaults to True.
        *args, **kwargs: Arguments of :class:`GatedViTMixin` and
            ``VisionTransformer``.
    """

    def __init__(self, *args, gating: bool = True, freeze_gates: bool = True,
                 **kwargs) -> None:
        super().__init__(*args, gating=gating, **kwargs)
        self.freeze_gates = freeze_gates
        if freeze_gates:
            for layer in self.layers:
                layer.gates.requires_grad_(False)

    def train(self, mode: bool = True) -> 'GatedViT':
        """Set the mode; frozen gates stay deterministic."""
        super().train(mode)
        if self.freeze_gates:
            for layer in self.layers:
                layer.gates.eval()
        return self
