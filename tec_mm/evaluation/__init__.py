from .knn import extract_pooled_features, knn_predict

__all__ = ['extract_pooled_features', 'knn_predict']
