"""Writing a checkpoint so that a reader never sees half a file."""
import os
import os.path as osp

import torch


def save_atomically(obj: object, path: str) -> None:
    """``torch.save`` to a temporary file beside ``path``, then rename.

    A crash or a full disk leaves ``path`` as it was (absent or the previous
    complete file), never truncated.

    Args:
        obj (object): What to save.
        path (str): The destination; its folder is created when missing.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.tmp'
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
