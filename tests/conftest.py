import warnings

import pytest

warnings.filterwarnings('ignore', message='pkg_resources is deprecated')

import tec_mm  # noqa: E402,F401
from tec_test_utils import write_mae_checkpoint  # noqa: E402


@pytest.fixture
def mae_checkpoint(tmp_path):
    """A random tiny ViT saved in the MAE release format: (path, reference)."""
    path = str(tmp_path / 'mae_tiny.pth')
    return path, write_mae_checkpoint(path)


@pytest.fixture(autouse=True)
def tec_mm_scope():
    """Every test starts in the tec_mm scope: tests of MMSeg/MMDet/MMPretrain
    configs switch MMEngine's global default scope."""
    from mmengine.registry import init_default_scope
    init_default_scope('tec_mm')
