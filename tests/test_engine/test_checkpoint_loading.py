import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.runner import CheckpointLoader

from tec_mm.engine import load_checkpoint_file, mmengine_checkpoints


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    hub = MessageHub.get_instance('test_ckpt_loading')
    hub.update_scalar('train/loss', 1.0)
    hub.update_scalar('train/loss', 3.0)
    ckpt = {
        'meta': {'seed': np.int64(7), 'hist': np.arange(3.)},
        'message_hub': hub.state_dict(),
        'state_dict': {'w': torch.ones(2)}
    }
    path = str(tmp_path / 'ckpt.pth')
    with mmengine_checkpoints():  # saved as the runner saves in the tools
        torch.save(ckpt, path)
    # no global that could run code is needed
    unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    assert 'builtins.getattr' not in unsafe
    # MMEngine's own loader (used by --resume), inside the tools' scope
    with mmengine_checkpoints():
        loaded = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    assert loaded['message_hub']['log_scalars']['train/loss'].mean() == 2.0
    assert loaded['meta']['seed'] == 7


class Payload:

    def __reduce__(self):
        return (os.getcwd, ())


def test_arbitrary_objects_are_still_refused(tmp_path):
    path = str(tmp_path / 'evil.pth')
    torch.save({'x': Payload()}, path)
    with pytest.raises(pickle.UnpicklingError):
        load_checkpoint_file(path)


def test_importing_tec_mm_leaves_mmengine_and_pickling_alone(tmp_path):
    """The scope is undone on exit and never entered on import: MMEngine's
    local loader is its own, HistoryBuffer pickles as MMEngine pickles it,
    and torch's allowlist holds none of the checkpoint types."""
    import copyreg
    import subprocess
    import sys
    from mmengine.logging import HistoryBuffer
    from mmengine.runner.checkpoint import load_from_local
    assert CheckpointLoader._schemes[''] is load_from_local
    assert HistoryBuffer not in copyreg.dispatch_table
    with mmengine_checkpoints():
        with mmengine_checkpoints():  # nested: the outer scope stays
            pass
        assert HistoryBuffer in copyreg.dispatch_table
        assert HistoryBuffer in torch.serialization.get_safe_globals()
    assert HistoryBuffer not in copyreg.dispatch_table
    assert HistoryBuffer not in torch.serialization.get_safe_globals()
    # in a fresh process too (this one's tests may have run tools in it)
    code = ('import copyreg, tec_mm; from mmengine.logging import '
            'HistoryBuffer; from mmengine.runner.checkpoint import '
            'CheckpointLoader, load_from_local; '
            "assert CheckpointLoader._schemes[''] is load_from_local; "
            'assert HistoryBuffer not in copyreg.dispatch_table')
    assert subprocess.run([sys.executable, '-c', code]).returncode == 0
