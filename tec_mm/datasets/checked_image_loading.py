"""Image loading that stops on a corrupt or truncated file, naming it."""
import os.path as osp
from typing import Optional

import mmcv
import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio

from tec_mm.registry import TRANSFORMS
from tec_mm.engine.refusal import InputError, MissingInput


def truncation(data: bytes) -> Optional[str]:
    """Why ``data`` is a cut-short JPEG or PNG, or None.

    A JPEG ends with the EOI marker ``FF D9`` (padding after it allowed), a
    PNG with its ``IEND`` chunk; other formats are left to the decoder.
    """
    if data[:3] == b'\xff\xd8\xff' and b'\xff\xd9' not in data[-64:]:
        return 'JPEG without its end marker'
    if data[:8] == b'\x89PNG\r\n\x1a\n' and b'IEND' not in data[-12:]:
        return 'PNG without its IEND chunk'
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
