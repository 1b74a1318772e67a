"""Running tools/train.py on a few real Fashion-MNIST images, and reading
what it logged (the runner tests' helpers)."""
import glob
import json
import os.path as osp
import subprocess
import sys
import time

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TRAIN = osp.join(ROOT, 'tools/train.py')
MAE = osp.join(ROOT, 'configs/demo/mae_vit-tiny-p4_fmnist.py')
TEC = osp.join(ROOT, 'configs/demo/tec_vit-tiny-p4_fmnist.py')
TINY = [
    'train_dataloader.dataset.indices=16', 'train_dataloader.batch_size=8',
    'default_hooks.logger.interval=1', 'train_cfg.max_epochs=1'
]


def train(config, work_dir, *options, resume=False):
    cmd = [sys.executable, TRAIN, config, '--work-dir', work_dir]
    cmd += ['--resume'] if resume else []
    cmd += ['--cfg-options', *TINY, *options]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    return res.stdout + res.stderr


def started(*args):
    """A process of ``args``, once its command line shows in /proc (right
    after ``Popen`` returns, ``exec`` may not have set it yet)."""
    child = subprocess.Popen(args)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(f'/proc/{child.pid}/cmdline', 'rb') as f:
            if f.read().split(b'\0')[:len(args)] == [
                    arg.encode() for arg in args]:
                return child
        time.sleep(0.01)
    child.kill()
    raise TimeoutError(f'{args[0]} did not start')


def logged_losses(work_dir):
    """(iter, {loss name: value}) of every logged training iteration."""
    rows = []
    pattern = osp.join(work_dir, '*/vis_data/scalars.json')
    for path in sorted(glob.glob(pattern)):
        with open(path) as f:
            for line in f:
                entry = json.loads(line)
                losses = {k: v for k, v in entry.items() if 'loss' in k}
                if losses:
                    rows.append((entry['iter'], losses))
    return rows


def run_rows(work_dir):
    """Every logged training row of the newest run in ``work_dir``."""
    newest = sorted(glob.glob(osp.join(work_dir, '*/vis_data/scalars.json')))
    if not newest:
        return []
    with open(newest[-1]) as f:
        return [row for row in map(json.loads, f) if 'loss' in row]


def assert_same_rows(rows, expected, iters):
    """The logged ``rows`` are iterations ``iters`` with the losses and lrs
    of the same iterations in ``expected`` (by iteration), to 1e-6."""
    assert [row['iter'] for row in rows] == list(iters)
    for row in rows:
        for key in ('loss', 'loss_fea', 'loss_att', 'lr'):
            assert row[key] == pytest.approx(expected[row['iter']][key],
                                             rel=1e-6, abs=1e-9), key
