"""Atomic writes: a failure while writing leaves the previous file whole."""
import errno
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.fileio import get_file_backend

from tec_mm.engine import (AtomicLocalBackend, SafeCheckpointHook,
                          save_atomically)
from tec_mm.registry import HOOKS


def disk_full(*args):
    raise OSError(errno.ENOSPC, 'No space left on device')


def test_backend_writes_whole_files(tmp_path):
    backend = get_file_backend(str(tmp_path),
                               backend_args=dict(backend='atomic_local'))
    assert isinstance(backend, AtomicLocalBackend)
    backend.put(b'\x00\x01', tmp_path / 'sub' / 'a.pth')
    backend.put_text('épreuve', tmp_path / 'last_checkpoint')
    assert (tmp_path / 'sub' / 'a.pth').read_bytes() == b'\x00\x01'
    assert (tmp_path / 'last_checkpoint').read_text('utf-8') == 'épreuve'
    assert sorted(os.listdir(tmp_path)) == ['last_checkpoint', 'sub']


def test_full_disk_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / 'epoch_1.pth'
    backend = AtomicLocalBackend()
    backend.put(b'old checkpoint', path)
    monkeypatch.setattr(os, 'fsync', disk_full)  # after part was written
    with pytest.raises(OSError, match='No space left on device while '
                       f'writing {path}; the file there is as it was'):
        backend.put(b'new checkpoint that does not fit', path)
    assert path.read_bytes() == b'old checkpoint'
    assert os.listdir(tmp_path) == ['epoch_1.pth']


def test_failed_torch_save_keeps_the_previous_file(tmp_path):
    path = str(tmp_path / 'backbone.pth')
    save_atomically({'w': torch.ones(2)}, path)
    with pytest.raises(Exception):
        save_atomically({'w': lambda: 0}, path)  # cannot be pickled
    assert torch.equal(torch.load(path)['w'], torch.ones(2))
    assert os.listdir(tmp_path) == ['backbone.pth']


def test_runtimes_write_checkpoints_atomically():
    root = osp.join(osp.dirname(__file__), '..', '..', 'configs', '_base_')
    for path in ('tec_runtime.py', 'demo_runtime.py'):
        hook = HOOKS.build(
            Config.fromfile(osp.join(root, path)).default_hooks.checkpoint)
        assert isinstance(hook, SafeCheckpointHook), path
        assert hook.backend_args == dict(backend='atomic_local'), path
