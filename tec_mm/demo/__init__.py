"""The Fashion-MNIST demo and benchmarks: data, stand-in scenes, and the
evaluation of pretrained encoders (frozen features, kNN, linear probe,
fine-tuning, training FLOPs, attention-target entropy)."""
from .fashion_scenes import (ADE20K_INDEX, FASHION_CLASSES, Scene, SceneItem,
                             compose_scene, write_ade20k, write_coco)
from .frozen_encoder import (build_frozen_encoder, fashion_mnist_features,
                             frozen_features, top1)
from .knn import extract_pooled_features, knn_predict
from .linear_probe import linear_probe
from .local_fashion_mnist import DEBIAN_FASHION_MNIST, LocalFashionMNIST
from .runs import fine_tune, last_checkpoint, logged_metrics, run_tool
from .target_entropy import attention_target_entropy
from .training_flops import training_flops_per_image

__all__ = [
    'ADE20K_INDEX', 'attention_target_entropy', 'build_frozen_encoder',
    'compose_scene', 'DEBIAN_FASHION_MNIST', 'extract_pooled_features',
    'FASHION_CLASSES', 'fashion_mnist_features', 'fine_tune',
    'frozen_features', 'knn_predict', 'last_checkpoint', 'linear_probe',
    'LocalFashionMNIST', 'logged_metrics', 'run_tool', 'Scene', 'SceneItem',
    'top1', 'training_flops_per_image', 'write_ade20k', 'write_coco'
]
