"""Loading MMEngine checkpoints with ``torch.load(weights_only=True)``.

Since torch 2.6 ``torch.load`` refuses any Python object outside an allowlist.
MMEngine 0.10.7 checkpoints hold a few such objects (``HistoryBuffer`` in the
message hub, NumPy scalars and arrays in ``meta``), so its ``--resume`` fails.
Safety is not switched off to fix that; instead:

* ``HistoryBuffer`` is pickled as ``HistoryBuffer(log, counts, max_length)``
  with plain lists, instead of MMEngine's default state that carries bound
  methods and needs ``builtins.getattr`` (which no allowlist should contain);
* local checkpoints are read with ``weights_only=True`` inside a
  :func:`torch.serialization.safe_globals` scope listing only the data types
  above (plus ``argparse.Namespace``, found in MAE/iBOT training checkpoints).

Both take effect on ``import tec_mm``.
"""
import argparse
import copyreg
from typing import Any, Callable, List, Optional, Tuple

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader


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


copyreg.pickle(HistoryBuffer, _reduce_history_buffer)


def load_checkpoint_file(filename: str,
                         map_location: Optional[Any] = None) -> Any:
    """Load a local checkpoint with ``weights_only=True``.

    Args:
        filename (str): The checkpoint file.
        map_location (optional): Same as :func:`torch.load`.

    Returns:
        Any: The object stored in the file.
    """
    with torch.serialization.safe_globals(SAFE_CHECKPOINT_GLOBALS):
        return torch.load(
            filename, map_location=map_location, weights_only=True)


# Replace MMEngine's loader of local paths (the empty prefix) by this one.
CheckpointLoader.register_scheme(
    prefixes='', loader=load_checkpoint_file, force=True)
