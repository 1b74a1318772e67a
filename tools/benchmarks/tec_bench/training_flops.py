"""Training FLOPs of a pretraining config, counted on one step."""
from typing import Optional

import torch
from mmengine.config import Config
from torch.utils.flop_counter import FlopCounterMode

from .frozen_encoder import build_pretraining_model


def training_flops_per_image(cfg: Config,
                             base_checkpoint: Optional[str] = None,
                             batch_size: int = 4) -> float:
    """FLOPs of one training step per image, as torch counts them.

    One forward of the config's loss and its backward run on random images
    of the config's input size under :class:`FlopCounterMode` (a multiply-add
    counts as 2 FLOPs); for TEC the frozen base's forward is part of the
    count. The optimizer update is not counted.

    Args:
        cfg (Config): A pretraining config (MMPretrain's ``MAE`` or
            :class:`TECAlgorithm`) with a single-channel or RGB image input.
        base_checkpoint (str, optional): The base of a TEC config.
        batch_size (int): Images of the counted step. Defaults to 4.

    Returns:
        float: FLOPs per image.
    """
    model = build_pretraining_model(cfg, None, base_checkpoint).train()
    backbone = cfg.model.backbone
    size = backbone.img_size
    channels = backbone.get('in_channels',
                            backbone.get('patch_cfg', {}).get(
                                'in_channels', 3))
    images = torch.randn(batch_size, channels, size, size)
    with FlopCounterMode(display=False) as counter:
        losses = model.loss(images, [])
        sum(losses.values()).backward()
    return counter.get_total_flops() / batch_size
