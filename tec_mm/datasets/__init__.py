from .checked_image_loading import LoadImageChecked
from .local_fashion_mnist import DEBIAN_FASHION_MNIST, LocalFashionMNIST

__all__ = ['DEBIAN_FASHION_MNIST', 'LoadImageChecked', 'LocalFashionMNIST']
