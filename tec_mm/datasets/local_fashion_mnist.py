"""Fashion-MNIST read from local idx files, such as Debian's package."""
import os.path as osp
import warnings
from typing import List

from mmpretrain.datasets import FashionMNIST
from mmpretrain.datasets.mnist import read_sn3_pascalvincent_tensor

from tec_mm.registry import DATASETS

DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist'


@DATASETS.register_module()
class LocalFashionMNIST(FashionMNIST):
    """Fashion-MNIST from idx files on disk, gzipped or not.

    MMPretrain's :class:`FashionMNIST` checks the md5 of the upstream ``.gz``
    files and rejects Debian's ``dataset-fashion-mnist`` package, whose files
    hold the same images but were compressed differently. This class reads
    ``{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`` as they are and
    never downloads. Images are H x W ``uint8`` arrays (one channel).

    Args:
        data_root (str): Folder of the idx files.
            Defaults to Debian's ``/usr/share/datasets/fashion-mnist``.
        split (str): ``'train'`` (60k) or ``'test'`` (10k).
            Defaults to ``'train'``.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``indices``, ...).
    """

    def __init__(self,
                 data_root: str = DEBIAN_FASHION_MNIST,
                 split: str = 'train',
                 **kwargs) -> None:
        super().__init__(
            data_root=data_root,
            split=split,
            download=False,
            test_mode=split == 'test',
            **kwargs)

    def _find(self, name: str) -> str:
        """Path of idx file ``name`` (``.gz`` or plain)."""
        root = self.data_prefix['root']
        for candidate in (name, name[:-3]):
            path = osp.join(root, candidate)
            if osp.isfile(path):
                return path
        raise FileNotFoundError(
            f'{name} (or its uncompressed form) not found in {root!r}. '
            'Install Debian package dataset-fashion-mnist or set data_root.')

    def _check_exists(self) -> bool:
        """Whether all four idx files are there."""
        try:
            for name, _ in self.train_list + self.test_list:
                self._find(name)
        except FileNotFoundError:
            return False
        return True

    def load_data_list(self) -> List[dict]:
        """Read images and labels of the split."""
        images_file, labels_file = (
            name for name, _ in (self.test_list if self.split ==
                                 'test' else self.train_list))
        with warnings.catch_warnings():  # MMPretrain's reader, read-only
            warnings.filterwarnings('ignore', message='The given NumPy array')
            images, labels = (
                read_sn3_pascalvincent_tensor(self._find(name),
                                              strict=False).numpy()
                for name in (images_file, labels_file))
        if images.ndim != 3 or len(images) != len(labels):
            raise ValueError(
                f'{images_file}/{labels_file}: expected N x H x W images and '
                f'N labels, got {images.shape} and {labels.shape}')
        return [
            dict(img=img, gt_label=int(label))
            for img, label in zip(images, labels)
        ]
