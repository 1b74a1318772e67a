"""The ablation of the conditional adapter: the last block, as MAE does."""
from typing import Sequence

import torch
from mmengine.model import BaseModule
from tec_mm.registry import MODELS


@MODELS.register_module()
class LastBlockNeck(BaseModule):
    """Pass the encoder's last block output to the decoders unchanged.

    TEC without its conditional adapter: no fusion of the block outputs and
    no per-base-model module; every base model's targets are predicted from
    the last block (after the encoder's final LayerNorm), as in MAE.
    """

    def forward(self, feats: Sequence[torch.Tensor],
                base: str) -> torch.Tensor:
        """Take the last block output.

        Args:
            feats (Sequence[torch.Tensor]): L tensors, B x T x C.
            base (str): Name of the base model (not used).

        Returns:
            torch.Tensor: ``feats[-1]``, B x T x C.
        """
        return feats[-1]
