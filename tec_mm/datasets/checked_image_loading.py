"""Image loading that stops on a corrupt or truncated file, naming it."""
import os.path as osp
from typing import Optional

import mmcv
import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio

from tec_mm.registry import TRANSFORMS
from tec_mm.engine.refusal import InputError, MissingInput


PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
# JPEG markers without a length: TEM, RST0-7, SOI
STANDALONE = {0x01, *range(0xD0, 0xD8), 0xD8}


def jpeg_is_complete(data: bytes) -> bool:
    """Whether a JPEG's segments and scans run to its end marker (EOI).

    The segments are walked by their lengths (an embedded EXIF thumbnail's
    own end marker is skipped with its segment) and each scan's entropy-
    coded data up to the next marker (``FF 00`` stuffing and restart
    markers are part of it), as a decoder reads them. Bytes after the end
    marker (a phone's appended video, a camera's metadata) are not part of
    the image and are not looked at.
    """
    i = 2  # after SOI
    while i + 1 < len(data):
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == 0xD9:  # EOI
            return True
        if marker in STANDALONE:
            i += 2
            continue
        if i + 3 >= len(data):
            return False
        i += 2 + int.from_bytes(data[i + 2:i + 4], 'big')
        if marker != 0xDA:  # not SOS: the segment is all
            continue
        while True:  # entropy-coded data, up to the next marker
            i = data.find(b'\xff', i)
            if i < 0 or i + 1 >= len(data):
                return False
            following = data[i + 1]
            if following == 0 or 0xD0 <= following <= 0xD7:
                i += 2
            elif following == 0xFF:
                i += 1
            else:
                break
    return False


def png_is_complete(data: bytes) -> bool:
    """Whether a PNG's chunks, walked by their lengths, reach ``IEND``
    (bytes after it are not part of the image)."""
    i = len(PNG_SIGNATURE)
    while i + 8 <= len(data):
        length = int.from_bytes(data[i:i + 4], 'big')
        if data[i + 4:i + 8] == b'IEND':
            return i + 12 + length <= len(data)
        i += 12 + length  # length, type, data, CRC
    return False


def truncation(data: bytes) -> Optional[str]:
    """Why ``data`` is a cut-short JPEG or PNG, or None.

    JPEG and PNG are read up to their end as a decoder reads them
    (:func:`jpeg_is_complete`, :func:`png_is_complete`), so a file that
    carries a trailer after its end is whole; some OpenCV builds decode a
    cut-short JPEG with only a warning, so this is checked before decoding.
    Other formats are left to the decoder.
    """
    if data[:2] == b'\xff\xd8' and not jpeg_is_complete(data):
        return 'JPEG cut short (its data does not reach the end marker)'
    if data[:8] == PNG_SIGNATURE and not png_is_complete(data):
        return 'PNG cut short (its chunks do not reach IEND)'
    return None


@TRANSFORMS.register_module()
class LoadImageChecked(LoadImageFromFile):
    """:class:`mmcv.transforms.LoadImageFromFile` that refuses bad files.

    MMCV's loader stops with a bare ``assert`` (gone under ``python -O``)
    when OpenCV returns nothing, re-raises decoder errors (Pillow backend,
    empty files) without the file's name, and some OpenCV builds decode a
    cut-short JPEG with only a warning. This one stops training with one
    message naming the file and the fix on an empty, undecodable or
    cut-short (JPEG/PNG) file, so no image is silently dropped or replaced:
    remove or replace the file and resume. Arguments are
    those of :class:`LoadImageFromFile` (``ignore_empty`` is not used).
    """

    def transform(self, results: dict) -> dict:
        """Load ``results['img_path']`` into ``results['img']`` (H x W x C
        ``uint8``, or ``float32`` with ``to_float32``).

        Raises:
            InputError: The file is empty, cut short or cannot be decoded.
            MissingInput: The file or its folder is gone.
        """
        filename = results['img_path']
        try:
            data = fileio.get(filename, backend_args=self.backend_args)
        except FileNotFoundError:
            folder = osp.dirname(filename)
            gone = folder if not osp.isdir(folder) else filename
            raise MissingInput(
                f'image {filename} cannot be read: {gone} is gone (moved, '
                'unmounted or deleted during the run). Restore it, then '
                'resume the run.') from None
        problem = 'empty file' if not data else truncation(data)
        img = None
        if problem is None:
            try:
                img = mmcv.imfrombytes(
                    data, flag=self.color_type,
                    backend=self.imdecode_backend)
            except Exception as err:  # decoders raise many types
                problem = f'{type(err).__name__}: {err}'
            if img is None and problem is None:
                problem = 'cannot be decoded'
        if problem is not None:
            raise InputError(
                f'corrupt or truncated image {filename}: {problem}. Remove '
                'or replace the file, then resume the run.')
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results
