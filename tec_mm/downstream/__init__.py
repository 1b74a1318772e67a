"""Parts for fine-tuning, MMSegmentation and MMDetection (``mmseg_mae``,
which imports MMSeg, is imported by the configs that use it)."""
from .layer_decay_optim_wrapper_constructor import (
    LayerDecayOptimWrapperConstructor, find_layer_depth)
from .simple_feature_pyramid import SimpleFeaturePyramid
from .vitdet_backbone import ViTDetBackbone

__all__ = [
    'find_layer_depth', 'LayerDecayOptimWrapperConstructor',
    'SimpleFeaturePyramid', 'ViTDetBackbone'
]
