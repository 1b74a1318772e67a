"""TEC's head: the two decoders and the two losses."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModule
from tec_mm.registry import MODELS
from .base_targets import BaseTargets


@MODELS.register_module()
class TECReconstructionHead(BaseModule):
    """Decode the adapted tokens and compute ``loss_fea`` and ``loss_att``.

    Args:
        decoder (dict): Config of :class:`TECDecoder`.
        feature_loss (dict): Config of the feature loss.
            Defaults to ``dict(type='PatchNormMSELoss')``.
        attention_loss (dict, optional): Config of the attention loss; None
            turns the attention target off. Defaults to
            ``dict(type='AttentionRelationLoss', tau=1.0)``.
        init_cfg (dict | list, optional): Initialisation config.
    """

    def __init__(self,
                 decoder: dict,
                 feature_loss: dict = dict(type='PatchNormMSELoss'),
                 attention_loss: Optional[dict] = dict(
                     type='AttentionRelationLoss', tau=1.0),
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        decoder = dict(decoder, with_attention=attention_loss is not None)
        decoder.setdefault('type', 'TECDecoder')
        self.decoder = MODELS.build(decoder)
        self.feature_loss = MODELS.build(feature_loss)
        self.attention_loss = (
            MODELS.build(attention_loss) if attention_loss else None)

    @property
    def with_attention(self) -> bool:
        """Whether the attention target is on."""
        return self.attention_loss is not None

    def loss(self, latent: torch.Tensor, ids_restore: torch.Tensor,
             mask: torch.Tensor, targets: BaseTargets,
             base: str) -> Dict[str, torch.Tensor]:
        """Predict the targets and compute the losses.

        Args:
            latent (torch.Tensor): Adapted tokens, B x (1+N_vis) x C.
            ids_restore (torch.Tensor): B x N.
            mask (torch.Tensor): B x N, 1 for masked patches.
            targets (BaseTargets): The base model's ``feature`` and, with
                attention, ``attention`` and ``indices``.
            base (str): Name of the base model that made the targets.

        Returns:
            Dict[str, torch.Tensor]: ``loss_fea`` and, with attention,
            ``loss_att``.
        """
        feature, attention = self.decoder(latent, ids_restore, base,
                                          targets.get('indices'))
        losses = dict(
            loss_fea=self.feature_loss(feature, targets['feature'], mask))
        if self.with_attention:
            losses['loss_att'] = self.attention_loss(
                attention, targets['attention'], base)
        return losses
