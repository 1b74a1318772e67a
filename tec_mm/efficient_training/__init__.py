"""Efficient-training parts (Koçyiğit et al., WACV 2023) for MMPretrain
configs, TEC and MAE alike."""
from .extendable_cyclic_lr import (ExtendableCyclicLR,
                                   ExtendableCyclicParamScheduler)
from .hard_masks import choose_hardest, hardest_noise

__all__ = ['ExtendableCyclicLR', 'ExtendableCyclicParamScheduler',
           'choose_hardest', 'hardest_noise']
