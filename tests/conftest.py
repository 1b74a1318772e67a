import os

import pytest

import tec_mm  # noqa: F401
from tec_test_utils import write_mae_checkpoint


@pytest.fixture
def mae_checkpoint(tmp_path):
    """A random tiny ViT saved in the MAE release format: (path, reference)."""
    path = str(tmp_path / 'mae_tiny.pth')
    return path, write_mae_checkpoint(path)


@pytest.fixture(scope='session')
def mae_base(tmp_path_factory):
    """The demo's MAE base after one epoch on 16 Fashion-MNIST images, by
    tools/train.py (the runner tests' base)."""
    from runner_utils import MAE, train
    from tec_mm.datasets import DEBIAN_FASHION_MNIST
    if not os.path.isdir(DEBIAN_FASHION_MNIST):
        pytest.skip('Debian package dataset-fashion-mnist not installed')
    work_dir = str(tmp_path_factory.mktemp('mae'))
    train(MAE, work_dir)
    return os.path.join(work_dir, 'epoch_1.pth')


@pytest.fixture(autouse=True)
def tec_mm_scope():
    """Every test starts in the tec_mm scope: tests of MMSeg/MMDet/MMPretrain
    configs switch MMEngine's global default scope."""
    from mmengine.registry import init_default_scope
    init_default_scope('tec_mm')
