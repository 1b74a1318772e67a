from .knn import extract_pooled_features, knn_predict
from .linear_probe import linear_probe

__all__ = ['extract_pooled_features', 'knn_predict', 'linear_probe']
