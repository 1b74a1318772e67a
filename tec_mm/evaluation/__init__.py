"""Evaluation of frozen encoders: kNN and linear probes on pooled features,
top-1 accuracy, and a base's CLS attention maps."""
from .attention_maps import cls_attention
from .knn import extract_pooled_features, knn_predict
from .linear_probe import linear_probe
from .top1 import top1

__all__ = [
    'cls_attention', 'extract_pooled_features', 'knn_predict', 'linear_probe',
    'top1'
]
