"""tools/dist_train.sh with 2 CPU processes (gloo) on the demo config: it
trains, the base model needs no find_unused_parameters, and only rank 0
writes logs and checkpoints."""
import glob
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest

from tec_mm.datasets import DEBIAN_FASHION_MNIST
from tec_mm.engine import load_checkpoint_file
from tec_test_utils import ROOT
from test_runner import logged_losses, write_tiny_dino_base

pytestmark = pytest.mark.skipif(
    not osp.isdir(DEBIAN_FASHION_MNIST),
    reason='Debian package dataset-fashion-mnist not installed')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_cpu_processes_train_and_rank0_writes(tmp_path):
    base = str(tmp_path / 'base.pth')
    write_tiny_dino_base(base)
    work_dir = str(tmp_path / 'dist')
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(free_port()))
    res = subprocess.run([
        'bash', osp.join(ROOT, 'tools/dist_train.sh'),
        osp.join(ROOT, 'configs/demo/tec_vit-tiny-p4_fmnist.py'), '2',
        '--work-dir', work_dir, '--cfg-options',
        f'model.target_generator.checkpoint={base}',
        'train_dataloader.dataset.indices=32', 'train_dataloader.batch_size=4',
        'default_hooks.logger.interval=1', 'train_cfg.max_epochs=1'
    ], capture_output=True, text=True, timeout=900, env=env)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    # 32 images over 2 ranks x 4 per step: 4 iterations
    assert [it for it, _ in logged_losses(work_dir)] == [1, 2, 3, 4]
    # one run folder, one log, one checkpoint: rank 1 wrote nothing
    assert len(glob.glob(osp.join(work_dir, '*/*.log'))) == 1
    assert sorted(osp.basename(p) for p in glob.glob(
        osp.join(work_dir, '*.pth'))) == ['epoch_1.pth']
    with open(glob.glob(osp.join(work_dir, '*/vis_data/config.py'))[0]) as f:
        dumped = f.read()
    assert "backend='gloo'" in dumped
    assert 'find_unused_parameters=False' in dumped
    state = load_checkpoint_file(osp.join(work_dir, 'epoch_1.pth'))
    assert not any('target_generator' in k for k in state['state_dict'])
