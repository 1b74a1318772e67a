"""Corrupt and truncated images stop the pipeline with the file's name;
good ones load as MMCV's loader loads them."""
import io

import numpy as np
import pytest
from mmcv.transforms import LoadImageFromFile
from PIL import Image

from tec_mm.datasets import LoadImageChecked
from tec_mm.datasets.checked_image_loading import truncation


def write(path, fmt):
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (32, 32, 3), np.uint8)).save(
        buf, fmt)
    path.write_bytes(buf.getvalue())
    return str(path)


@pytest.mark.parametrize('fmt,suffix', [('JPEG', 'jpg'), ('PNG', 'png')])
def test_good_image_loads_like_mmcv(tmp_path, fmt, suffix):
    path = write(tmp_path / f'a.{suffix}', fmt)
    ours = LoadImageChecked()(dict(img_path=path))
    stock = LoadImageFromFile()(dict(img_path=path))
    assert np.array_equal(ours['img'], stock['img'])
    assert ours['img_shape'] == (32, 32)


@pytest.mark.parametrize('fmt,suffix,reason', [
    ('JPEG', 'jpg', 'JPEG without its end marker'),
    ('PNG', 'png', 'PNG without its IEND chunk'),
])
def test_truncated_image_is_refused_by_name(tmp_path, fmt, suffix, reason):
    path = write(tmp_path / f'cut.{suffix}', fmt)
    data = open(path, 'rb').read()
    open(path, 'wb').write(data[:len(data) * 2 // 3])
    assert truncation(data) is None
    with pytest.raises(ValueError) as err:
        LoadImageChecked()(dict(img_path=path))
    assert str(err.value) == (
        f'corrupt or truncated image {path}: {reason}. Remove or replace '
        'the file, then resume the run.')


def test_garbage_and_empty_files_are_refused_by_name(tmp_path):
    garbage = tmp_path / 'garbage.jpg'
    garbage.write_bytes(b'not an image at all' * 10)
    with pytest.raises(ValueError, match=f'image {garbage}: cannot be '
                       'decoded'):
        LoadImageChecked()(dict(img_path=str(garbage)))
    empty = tmp_path / 'empty.jpg'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match=f'image {empty}: empty file'):
        LoadImageChecked()(dict(img_path=str(empty)))


def test_vanished_file_or_folder_is_named(tmp_path):
    folder = tmp_path / 'train' / 'n01'
    folder.mkdir(parents=True)
    path = write(folder / 'a.jpg', 'JPEG')
    (folder / 'a.jpg').unlink()
    with pytest.raises(FileNotFoundError, match=f'{path} is gone'):
        LoadImageChecked()(dict(img_path=path))
    folder.rmdir()  # the whole class folder vanished mid-epoch
    with pytest.raises(FileNotFoundError,
                       match=f'image {path} cannot be read: {folder} is '
                       'gone .* Restore it, then resume the run.'):
        LoadImageChecked()(dict(img_path=path))
