import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.runner import CheckpointLoader

from tec_mm.engine import load_checkpoint_file


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
    torch.save(ckpt, path)
    # no global that could run code is needed
    unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    assert 'builtins.getattr' not in unsafe
    # MMEngine's own loader (used by --resume) goes through ours
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
