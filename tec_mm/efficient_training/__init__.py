"""Efficient-training parts (Koçyiğit et al., WACV 2023) for MMPretrain
configs, TEC and MAE alike."""
from .extendable_cyclic_lr import (ExtendableCyclicLR,
                                   ExtendableCyclicParamScheduler)

__all__ = ['ExtendableCyclicLR', 'ExtendableCyclicParamScheduler']
