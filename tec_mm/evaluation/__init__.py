from .fine_tune import fine_tune, run_tool, validation_top1
from .frozen_encoder import (build_frozen_encoder, fashion_mnist_features,
                             frozen_features, top1)
from .knn import extract_pooled_features, knn_predict
from .linear_probe import linear_probe
from .target_entropy import attention_target_entropy
from .training_flops import training_flops_per_image

__all__ = [
    'attention_target_entropy', 'build_frozen_encoder', 'extract_pooled_features',
    'fashion_mnist_features', 'fine_tune', 'frozen_features', 'knn_predict',
    'linear_probe', 'run_tool', 'top1', 'training_flops_per_image',
    'validation_top1'
]
