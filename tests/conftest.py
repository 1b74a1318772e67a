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
