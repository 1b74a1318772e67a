"""Parts for fine-tuning, MMSegmentation and MMDetection."""
from .layer_decay_optim_wrapper_constructor import (
    LayerDecayOptimWrapperConstructor, find_layer_depth)
from .simple_feature_pyramid import SimpleFeaturePyramid

__all__ = [
    'find_layer_depth', 'LayerDecayOptimWrapperConstructor',
    'SimpleFeaturePyramid'
]
