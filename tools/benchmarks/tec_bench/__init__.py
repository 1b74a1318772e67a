"""The experiments of tec_mm on Fashion-MNIST: the demo's and the
benchmarks' runner, stand-in scenes, frozen encoders of pretraining runs,
training FLOPs, one training step and its memory on fake tensors, and the
attention target's entropy. Not part of the plugin:
the scripts beside this package (``tools/benchmarks/*.py``) import it."""
from .fashion_scenes import (ADE20K_INDEX, FASHION_CLASSES, Scene, SceneItem,
                             compose_scene, write_ade20k, write_coco)
from .frozen_encoder import (build_pretraining_model, exported_encoder,
                             fashion_mnist_features, frozen_features)
from .runs import ROOT, fine_tune, last_checkpoint, logged_metrics, run_tool
from .target_entropy import attention_target_entropy, base_target_entropy
from .training_flops import training_flops_per_image

__all__ = [
    'ADE20K_INDEX', 'attention_target_entropy', 'base_target_entropy',
    'build_pretraining_model', 'compose_scene', 'exported_encoder',
    'FASHION_CLASSES',
    'fashion_mnist_features', 'fine_tune', 'frozen_features',
    'last_checkpoint', 'logged_metrics', 'ROOT', 'run_tool', 'Scene',
    'SceneItem', 'training_flops_per_image', 'write_ade20k', 'write_coco'
]
