import gzip
import os.path as osp
import struct

import numpy as np
import pytest

from tec_mm.datasets import DEBIAN_FASHION_MNIST, LocalFashionMNIST


def write_idx(folder, prefix, images, labels, gz):
    """Write idx files as the upstream release does."""
    opener = gzip.open if gz else open
    suffix = '.gz' if gz else ''
    n, h, w = images.shape
    with opener(osp.join(folder, f'{prefix}-images-idx3-ubyte{suffix}'),
                'wb') as f:
        f.write(struct.pack('>IIII', 0x803, n, h, w) + images.tobytes())
    with opener(osp.join(folder, f'{prefix}-labels-idx1-ubyte{suffix}'),
                'wb') as f:
        f.write(struct.pack('>II', 0x801, n) + labels.tobytes())


@pytest.mark.parametrize('gz', [True, False])
def test_reads_gzipped_and_plain_idx(tmp_path, gz):
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 255, (5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    write_idx(tmp_path, 'train', imgs, labels, gz)
    write_idx(tmp_path, 't10k', imgs[:2], labels[:2], gz)
    train = LocalFashionMNIST(data_root=str(tmp_path), split='train')
    test = LocalFashionMNIST(data_root=str(tmp_path), split='test')
    assert len(train) == 5 and len(test) == 2
    assert np.array_equal(train.get_data_info(2)['img'], imgs[2])
    assert [train.get_data_info(i)['gt_label'] for i in range(5)] == \
        [3, 1, 4, 1, 5]


def test_missing_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='train-images-idx3-ubyte'):
        LocalFashionMNIST(data_root=str(tmp_path))


@pytest.mark.skipif(
    not osp.isdir(DEBIAN_FASHION_MNIST),
    reason='Debian package dataset-fashion-mnist not installed')
def test_debian_package_full_splits():
    train = LocalFashionMNIST(split='train')
    test = LocalFashionMNIST(split='test')
    assert len(train) == 60000 and len(test) == 10000
    labels = [test.get_data_info(i)['gt_label'] for i in range(len(test))]
    assert np.bincount(labels).tolist() == [1000] * 10
    assert train.get_data_info(0)['img'].shape == (28, 28)
    assert train.metainfo['classes'][0] == 'T-shirt/top'
