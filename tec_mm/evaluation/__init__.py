from .frozen_encoder import (build_frozen_encoder, fashion_mnist_features,
                             frozen_features, top1)
from .knn import extract_pooled_features, knn_predict
from .linear_probe import linear_probe

__all__ = [
    'build_frozen_encoder', 'extract_pooled_features',
    'fashion_mnist_features', 'frozen_features', 'knn_predict',
    'linear_probe', 'top1'
]
