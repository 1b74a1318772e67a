from .checked_image_loading import LoadImageChecked
from .fashion_scenes import (ADE20K_INDEX, FASHION_CLASSES, Scene, SceneItem,
                             compose_scene, write_ade20k, write_coco)
from .local_fashion_mnist import DEBIAN_FASHION_MNIST, LocalFashionMNIST

__all__ = [
    'ADE20K_INDEX', 'DEBIAN_FASHION_MNIST', 'FASHION_CLASSES',
    'LoadImageChecked',
    'LocalFashionMNIST', 'Scene', 'SceneItem', 'compose_scene',
    'write_ade20k', 'write_coco'
]
