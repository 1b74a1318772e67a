"""ViTDet's simple feature pyramid: multi-scale maps from one ViT map."""
import math
from typing import List, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from mmpretrain.models.utils import LayerNorm2d
from torch import nn

from tec_mm.registry import MODELS


def _rescale(channels: int, factor: float) -> Tuple[nn.Module, int]:
    """Layers that rescale a C-channel map by ``factor``, and their width.

    ``factor = 2**k``: k stride-2 transposed convolutions, each halving the
    channels, with LayerNorm and GELU between them (x1: identity);
    ``factor = 2**-k``: max pooling with kernel and stride ``2**k``.
    """
    steps = math.log2(factor) if factor > 0 else 0.5
    if steps != int(steps):
        raise ValueError(f'scale factor {factor} is not a power of 2')
    if steps < 0:
        return nn.MaxPool2d(2**-int(steps)), channels
    layers: List[nn.Module] = []
    for step in range(int(steps)):
        if step:
            layers += [LayerNorm2d(channels), nn.GELU()]
        layers.append(nn.ConvTranspose2d(channels, channels // 2, 2, 2))
        channels //= 2
    return nn.Sequential(*layers), channels


@MODELS.register_module()
class SimpleFeaturePyramid(BaseModule):
    """Feature pyramid built from the last ViT feature map only (ViTDet).

    The last block's map (stride 16 for 16 x 16 patches) is rescaled by
    each of ``scale_factors`` (powers of 2: upsampling by transposed
    convolutions, downsampling by max pooling), then each level goes through
    a 1 x 1 and a 3 x 3 convolution to ``out_channels``, each followed by a
    channel LayerNorm. With ``num_outs`` above the number of scales, extra
    levels are stride-2 subsamplings of the last one (the ``P6`` of
    Mask R-CNN's RPN).

    Args:
        in_channels (int): Channels of the ViT map (embedding width).
        out_channels (int): Channels of every output level.
        scale_factors (Sequence[float]): Rescaling of each level, powers
            of 2. Defaults to ``(4, 2, 1, 0.5)`` (strides 4, 8, 16, 32 for
            16 x 16 patches).
        num_outs (int): Output levels. Defaults to 5.
        init_cfg (dict | list, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 scale_factors: Sequence[float] = (4, 2, 1, 0.5),
                 num_outs: int = 5,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_outs < len(scale_factors):
            raise ValueError(f'num_outs={num_outs} is fewer than the '
                             f'{len(scale_factors)} scale factors')
        self.num_outs = num_outs
        self.levels = nn.ModuleList()
        for factor in scale_factors:
            rescale, width = _rescale(in_channels, factor)
            self.levels.append(
                nn.Sequential(
                    rescale,
                    nn.Conv2d(width, out_channels, 1, bias=False),
                    LayerNorm2d(out_channels),
                    nn.Conv2d(out_channels, out_channels, 3, padding=1,
                              bias=False), LayerNorm2d(out_channels)))

    def forward(self, inputs: Sequence[torch.Tensor]) -> List[torch.Tensor]:
        """Build the pyramid.

        Args:
            inputs (Sequence[torch.Tensor]): Backbone outputs; the last is
                used, B x C x H x W.

        Returns:
            list[torch.Tensor]: ``num_outs`` maps B x out_channels x
            (H * s) x (W * s), the scale factors first, then halvings.
        """
        outs = [level(inputs[-1]) for level in self.levels]
        while len(outs) < self.num_outs:
            outs.append(nn.functional.max_pool2d(outs[-1], 1, stride=2))
        return outs
