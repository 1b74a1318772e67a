"""Writing files so that a reader never sees half of one: checkpoints
(``save_atomically``) and everything MMEngine's ``CheckpointHook`` writes
(``AtomicLocalBackend``: the checkpoints and ``last_checkpoint``)."""
import contextlib
import os
import os.path as osp
from pathlib import Path
from typing import Iterator, Union

import torch
from mmengine.fileio import LocalBackend, register_backend


@contextlib.contextmanager
def replaced_on_success(path: Union[str, Path]) -> Iterator[str]:
    """A temporary path beside ``path`` to write; renamed onto ``path`` when
    the block ends without an error, removed otherwise.

    A failed write (a full disk, an exception) leaves ``path`` as it was:
    absent or the previous complete file. A killed process can leave the
    temporary file (``<path>.tmp-<pid>``), never a cut-short ``path``.

    Args:
        path (str | Path): The destination; its folder is created when
            missing.

    Yields:
        str: The temporary path to write.
    """
    path = str(path)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.tmp-{os.getpid()}'
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as error:
        raise OSError(error.errno, f'{error.strerror} while writing {path}; '
                      'the file there is as it was') from error
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def save_atomically(obj: object, path: str) -> None:
    """``torch.save`` ``obj`` to ``path`` through a temporary file.

    Args:
        obj (object): What to save.
        path (str): The destination.
    """
    with replaced_on_success(path) as tmp:
        torch.save(obj, tmp)


class AtomicLocalBackend(LocalBackend):
    """MMEngine's local file backend whose writes are atomic.

    ``CheckpointHook(backend_args=dict(backend='atomic_local'))`` (set in
    tec_mm's runtime config) writes every checkpoint and ``last_checkpoint``
    through it: a kill or a full disk during the write leaves the previous
    files complete.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to ``filepath``, atomically."""
        with replaced_on_success(filepath) as tmp, open(tmp, 'wb') as f:
            f.write(obj)
            f.flush()
            os.fsync(f.fileno())

    def put_text(self, obj: str, filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Write text to ``filepath``, atomically."""
        self.put(obj.encode(encoding), filepath)


register_backend('atomic_local', AtomicLocalBackend)
