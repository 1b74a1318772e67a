"""Loading MMEngine checkpoints with ``torch.load(weights_only=True)``.

Since torch 2.6 ``torch.load`` refuses any Python object outside an allowlist.
MMEngine 0.10.7 checkpoints hold a few such objects (``HistoryBuffer`` in the
message hub, NumPy scalars and arrays in ``meta``), so its ``--resume`` fails.
Safety is not switched off to fix that; instead:

* ``HistoryBuffer`` is pickled as ``HistoryBuffer(log, counts, max_length)``
  with plain lists, instead of MMEngine's default state that carries bound
  methods and needs ``builtins.getattr`` (which no allowlist should contain);
* checkpoints are read with ``weights_only=True`` inside a
  :func:`torch.serialization.safe_globals` scope listing only the data types
  above (plus ``argparse.Namespace``, found in MAE/iBOT training checkpoints).

Both hold only inside :func:`mmengine_checkpoints` (the tools run their
runner in it) and in :func:`load_checkpoint_file`; importing ``tec_mm``
changes neither MMEngine's loaders nor how anything is pickled. Elsewhere,
``with tec_mm.engine.mmengine_checkpoints(): runner.train()`` does the same.
"""
import argparse
import contextlib
import copyreg
from typing import Any, Callable, Iterator, List, Optional, Tuple

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


def _numpy_globals() -> List[Any]:
    """NumPy callables and types needed to rebuild arrays and scalars."""
    multiarray = getattr(np, '_core', None) or np.core
    dtype_types = [type(np.dtype(t)) for t in np.sctypeDict.values()]
    return [
        multiarray.multiarray._reconstruct, multiarray.multiarray.scalar,
        np.ndarray, np.dtype, *dict.fromkeys(dtype_types)
    ]


SAFE_CHECKPOINT_GLOBALS: List[Any] = [
    HistoryBuffer, argparse.Namespace, *_numpy_globals()
]


def _reduce_history_buffer(
        buffer: HistoryBuffer) -> Tuple[Callable, Tuple[list, list, int]]:
    """Pickle a ``HistoryBuffer`` through its constructor with plain lists."""
    log, count = buffer.data
    return HistoryBuffer, (log.tolist(), count.tolist(), buffer.max_length)


_depth = 0  # scopes entered: the outermost one sets and undoes both


@contextlib.contextmanager
def mmengine_checkpoints() -> Iterator[None]:
    """Within: MMEngine's checkpoints are saved and read (by its runner's
    ``--resume`` and ``load_from`` too) with only the data types above,
    ``weights_only`` as torch's default; a pickle carrying code is still
    refused. Re-entrant: a scope inside another (a base checkpoint read
    while the runner builds the model) leaves the outer one as it was."""
    global _depth
    if _depth:
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
        return
    previous = copyreg.dispatch_table.get(HistoryBuffer)
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    _depth = 1
    try:
        with torch.serialization.safe_globals(SAFE_CHECKPOINT_GLOBALS):
            yield
    finally:
        _depth = 0
        if previous is None:
            del copyreg.dispatch_table[HistoryBuffer]
        else:
            copyreg.dispatch_table[HistoryBuffer] = previous


def load_checkpoint_file(filename: str,
                         map_location: Optional[Any] = None) -> Any:
    """Load a local checkpoint with ``weights_only=True``.

    Args:
        filename (str): The checkpoint file.
        map_location (optional): Same as :func:`torch.load`.

    Returns:
        Any: The object stored in the file.
    """
    with mmengine_checkpoints():
        return torch.load(
            filename, map_location=map_location, weights_only=True)
