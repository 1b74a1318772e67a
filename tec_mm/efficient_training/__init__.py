"""Efficient-training parts for MMPretrain configs, TEC and MAE alike:
Koçyiğit et al.'s (WACV 2023), multi-mask, and a warm-up-stable-decay
schedule."""
from .extendable_cyclic_lr import (ExtendableCyclicLR,
                                   ExtendableCyclicParamScheduler)
from .hard_masks import HardMaskSampler, choose_hardest, hardest_noise
from .progressive_resolution import ProgressiveResolutionHook
from .resizable_mae import ResizableMAEPretrainDecoder, ResizableMAEViT
from .warmup_stable_decay_lr import (WarmupStableDecayLR,
                                     WarmupStableDecayParamScheduler)

__all__ = ['ExtendableCyclicLR', 'ExtendableCyclicParamScheduler',
           'HardMaskSampler', 'ProgressiveResolutionHook',
           'ResizableMAEPretrainDecoder',
           'ResizableMAEViT', 'WarmupStableDecayLR',
           'WarmupStableDecayParamScheduler', 'choose_hardest',
           'hardest_noise']
