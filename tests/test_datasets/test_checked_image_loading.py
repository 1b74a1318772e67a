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
    ('JPEG', 'jpg', 'JPEG cut short (its data does not reach the end '
     'marker)'),
    ('PNG', 'png', 'PNG cut short (its chunks do not reach IEND)'),
])
@pytest.mark.parametrize('keep', [1 / 3, 2 / 3, -2])
def test_truncated_image_is_refused_by_name(tmp_path, fmt, suffix, reason,
                                            keep):
    path = write(tmp_path / f'cut.{suffix}', fmt)
    data = open(path, 'rb').read()
    cut = data[:int(len(data) * keep)] if keep > 0 else data[:keep]
    open(path, 'wb').write(cut)
    assert truncation(data) is None
    with pytest.raises(ValueError) as err:
        LoadImageChecked()(dict(img_path=path))
    assert str(err.value) == (
        f'corrupt or truncated image {path}: {reason}. Remove or replace '
        'the file, then resume the run.')


def jpeg(image, **save):
    buf = io.BytesIO()
    image.save(buf, 'JPEG', **save)
    return buf.getvalue()


def photo(mode='RGB'):
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 255, (24, 40, len(mode)), np.uint8)
    return Image.fromarray(pixels[..., 0] if mode == 'L' else pixels,
                           mode=mode)


def exif_rotated():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to show
    return jpeg(photo(), exif=exif.tobytes())


@pytest.mark.parametrize('name,data', [
    ('motion_photo.jpg', jpeg(photo()) + b'ftypmp42' + bytes(
        np.random.default_rng(2).integers(0, 256, 2048, np.uint8))),
    ('cmyk.jpg', jpeg(photo('CMYK'))),
    ('grey.jpg', jpeg(photo('L'))),
    ('progressive.jpg', jpeg(photo(), progressive=True)),
    ('restarts.jpg', jpeg(photo(), restart_marker_blocks=1)),
    ('exif_rotated.jpg', exif_rotated()),
    ('a_png.JPEG', None),
])
def test_real_world_good_images_load_as_mmcv_loads_them(tmp_path, name,
                                                        data):
    path = tmp_path / name
    if data is None:
        write(path, 'PNG')
    else:
        path.write_bytes(data)
        assert b'\xff\xd9' not in data[-64:] or 'motion' not in name
    ours = LoadImageChecked()(dict(img_path=str(path)))
    stock = LoadImageFromFile()(dict(img_path=str(path)))
    assert np.array_equal(ours['img'], stock['img'])
    if name == 'exif_rotated.jpg':  # MMCV's OpenCV honours the rotation
        assert ours['img_shape'] == (40, 24)


def test_an_end_marker_inside_a_segment_does_not_hide_a_cut(tmp_path):
    data = jpeg(photo())
    # an APP15 segment whose payload holds FF D9 (as an EXIF thumbnail's
    # own end marker does), then the image cut short
    payload = b'thumb\xff\xd9'
    app = b'\xff\xef' + (len(payload) + 2).to_bytes(2, 'big') + payload
    cut = data[:2] + app + data[2:len(data) // 2]
    assert truncation(data[:2] + app + data[2:]) is None
    assert truncation(cut).startswith('JPEG cut short')
    assert truncation(b'\x89PNG\r\n\x1a\n' + b'\x00' * 3) is not None


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
