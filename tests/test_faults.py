"""Fault injection: a run SIGKILLed in each phase of a training iteration
(data loading, forward, backward, optimizer step), while writing a
checkpoint or while validating, then resumed, ends with the uninterrupted
run's losses, lrs and weights (1e-6). The demo runtime keeps one
checkpoint: a kill while the second is written must leave the first."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from runner_utils import (ROOT, TEC, TINY, TRAIN, assert_same_rows,
                          run_rows, train)
from tec_mm.engine import load_checkpoint_file

TESTS = osp.dirname(osp.abspath(__file__))
# 64 images in batches of 4: 16 iterations per epoch, 2 epochs
OPTIONS = ['train_dataloader.dataset.indices=64',
           'train_dataloader.batch_size=4', 'train_cfg.max_epochs=2']


@pytest.fixture(scope='module')
def straight(mae_base, tmp_path_factory):
    """The uninterrupted run: its rows by iteration and its final weights."""
    work_dir = str(tmp_path_factory.mktemp('straight'))
    train(TEC, work_dir, f'model.target_generator.checkpoint={mae_base}',
          *OPTIONS)
    # max_keep_ckpts=1: epoch 1's checkpoint goes once epoch 2's is written
    assert not osp.exists(osp.join(work_dir, 'epoch_1.pth'))
    return ({row['iter']: row for row in run_rows(work_dir)},
            load_checkpoint_file(osp.join(work_dir, 'epoch_2.pth')))


def killed_run(config, work_dir, *options):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [TESTS, ROOT, os.environ.get('PYTHONPATH', '')]))
    return subprocess.run(
        [sys.executable, TRAIN, config, '--work-dir', work_dir,
         '--cfg-options', *TINY, *options], env=env, capture_output=True,
        text=True, timeout=600)


@pytest.mark.parametrize('phase, iteration', [
    ('data', 20), ('forward', 20), ('backward', 20), ('optimizer', 20),
    ('checkpoint', 32)])  # the second checkpoint, half written
def test_kill_in_each_phase_then_resume(straight, mae_base, tmp_path, phase,
                                        iteration):
    expected, final = straight
    config = tmp_path / 'kill.py'
    config.write_text(
        f'_base_ = [{TEC!r}]\n'
        "custom_imports = dict(imports=['tec_mm', 'fault_injection'], "
        'allow_failed_imports=False)\n'
        "custom_hooks = [dict(type='NonFiniteLossHook'), "
        "dict(type='RandomStateHook'), dict(type='KillInPhase', "
        f'phase={phase!r}, iteration={iteration})]\n')
    work_dir = str(tmp_path / 'run')
    base = f'model.target_generator.checkpoint={mae_base}'
    res = killed_run(str(config), work_dir, base, *OPTIONS)
    assert res.returncode == -9, res.stderr[-3000:]
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    assert not osp.exists(osp.join(work_dir, 'epoch_2.pth'))
    assert max(row['iter'] for row in run_rows(work_dir)) == iteration

    out = train(TEC, work_dir, base, *OPTIONS, resume=True)
    assert 'resumed epoch: 1, iter: 16' in out
    assert_same_rows(run_rows(work_dir), expected, list(range(17, 33)))
    weights = load_checkpoint_file(osp.join(work_dir, 'epoch_2.pth'))
    for name, value in final['state_dict'].items():
        torch.testing.assert_close(weights['state_dict'][name], value,
                                   rtol=1e-6, atol=1e-6)


FINETUNE = osp.join(ROOT, 'configs/demo/vit-tiny-p4_fmnist_finetune.py')
# 32 images in batches of 8, validated on 16 after each of 2 epochs
FT_OPTIONS = ['train_dataloader.dataset.indices=32',
              'val_dataloader.dataset.indices=16', 'train_cfg.max_epochs=2',
              'train_cfg.val_interval=1', 'model.backbone.init_cfg=None']


def fine_tune_config(path, kill: bool) -> str:
    """The demo's fine-tuning config with tec_mm's random-state hook (and
    the kill in the first validation after iteration 4)."""
    kill_hook = ", dict(type='tec_mm.KillInPhase', phase='validation', " \
        'iteration=4)' if kill else ''
    path.write_text(
        f'_base_ = [{FINETUNE!r}]\n'
        "custom_imports = dict(imports=['tec_mm', 'fault_injection'], "
        'allow_failed_imports=False)\n'
        "custom_hooks = [dict(type='tec_mm.RandomStateHook')"
        f'{kill_hook}]\n')
    return str(path)


def test_kill_in_validation_then_resume(tmp_path):
    straight = str(tmp_path / 'straight')
    res = killed_run(fine_tune_config(tmp_path / 'ft.py', False), straight,
                     *FT_OPTIONS)
    assert res.returncode == 0, res.stderr[-3000:]
    res = killed_run(fine_tune_config(tmp_path / 'kill.py', True),
                     str(tmp_path / 'run'), *FT_OPTIONS)
    assert res.returncode == -9, res.stderr[-3000:]
    # epoch 1's checkpoint was written before its validation began
    assert osp.isfile(tmp_path / 'run/epoch_1.pth')
    res = killed_run(fine_tune_config(tmp_path / 'ft.py', False),
                     str(tmp_path / 'run'), *FT_OPTIONS, '--resume')
    assert res.returncode == 0, res.stderr[-3000:]
    assert 'resumed epoch: 1, iter: 4' in res.stdout + res.stderr
    expected = {row['iter']: row for row in run_rows(straight)}
    rows = run_rows(str(tmp_path / 'run'))
    assert [row['iter'] for row in rows] == [5, 6, 7, 8]
    for row in rows:
        for key in ('loss', 'lr'):
            assert row[key] == pytest.approx(expected[row['iter']][key],
                                             rel=1e-6), key
    final = load_checkpoint_file(osp.join(straight, 'epoch_2.pth'))
    weights = load_checkpoint_file(tmp_path / 'run/epoch_2.pth')
    for name, value in final['state_dict'].items():
        torch.testing.assert_close(weights['state_dict'][name], value,
                                   rtol=1e-6, atol=1e-6)
