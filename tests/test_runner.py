"""End to end through tools/train.py on a handful of real Fashion-MNIST
images: the demo's MAE base, TEC from it, a checkpoint, and --resume."""
import glob
import math
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest
import torch

from runner_utils import (ROOT, TEC, TINY, TRAIN, assert_same_rows,
                          logged_losses, run_rows, train)
from tec_mm.datasets import DEBIAN_FASHION_MNIST
from tec_mm.engine import cpu_bf16_autocast, load_checkpoint_file

TWO_BASES = osp.join(ROOT, 'configs/demo/tec_vit-tiny-p4_fmnist_2bases.py')
pytestmark = pytest.mark.skipif(
    not osp.isdir(DEBIAN_FASHION_MNIST),
    reason='Debian package dataset-fashion-mnist not installed')


def test_tec_trains_saves_and_resumes(mae_base, tmp_path):
    work_dir = str(tmp_path / 'tec')
    base = f'model.target_generator.checkpoint={mae_base}'
    train(TEC, work_dir, base)
    first = logged_losses(work_dir)
    assert [it for it, _ in first] == [1, 2]  # 16 images / batch 8
    for _, losses in first:
        assert set(losses) == {'loss', 'loss_fea', 'loss_att'}
        assert all(math.isfinite(v) for v in losses.values())

    ckpt = load_checkpoint_file(osp.join(work_dir, 'epoch_1.pth'))
    assert ckpt['meta']['iter'] == 2
    # written through a temporary file (AtomicLocalBackend), none left over
    assert not glob.glob(osp.join(work_dir, '*.tmp-*'))
    assert 'backbone.cls_mlp.0.weight' in ckpt['state_dict']
    assert not any('target_generator' in k for k in ckpt['state_dict'])
    # the base model is not in the optimizer state either
    n_params = len(ckpt['optimizer']['state'])
    n_model = sum(1 for k in ckpt['state_dict']
                  if not k.endswith('pos_embed'))
    assert n_params <= n_model

    out = train(TEC, work_dir, base, 'train_cfg.max_epochs=2', resume=True)
    assert 'resumed epoch: 1, iter: 2' in out
    resumed = logged_losses(work_dir)
    assert [it for it, _ in resumed] == [1, 2, 3, 4]
    final = load_checkpoint_file(osp.join(work_dir, 'epoch_2.pth'))
    assert final['meta']['iter'] == 4 and final['meta']['epoch'] == 2


def test_sigkill_then_resume_matches_an_uninterrupted_run(mae_base, tmp_path):
    """16 iterations per epoch, 2 epochs; killed 4 iterations into epoch 2,
    resumed from epoch 1: iterations 17-32 draw the same masks and crops
    and give the uninterrupted run's losses and lrs (to 1e-6)."""
    options = [f'model.target_generator.checkpoint={mae_base}',
               'train_dataloader.dataset.indices=64',
               'train_dataloader.batch_size=4', 'train_cfg.max_epochs=2']
    straight = str(tmp_path / 'straight')
    train(TEC, straight, *options)
    expected = {row['iter']: row for row in run_rows(straight)}
    assert sorted(expected) == list(range(1, 33))

    killed = str(tmp_path / 'killed')
    proc = subprocess.Popen(
        [sys.executable, TRAIN, TEC, '--work-dir', killed, '--cfg-options',
         *TINY, *options], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    deadline = time.time() + 600
    while max((r['iter'] for r in run_rows(killed)), default=0) < 20:
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert osp.isfile(osp.join(killed, 'epoch_1.pth'))
    assert not osp.exists(osp.join(killed, 'epoch_2.pth'))

    out = train(TEC, killed, *options, resume=True)
    assert 'resumed epoch: 1, iter: 16' in out
    assert_same_rows(run_rows(killed), expected, list(range(17, 33)))


def test_non_finite_loss_stops_and_keeps_the_last_good_checkpoint(
        mae_base, tmp_path):
    work_dir = str(tmp_path / 'nan')
    base = f'model.target_generator.checkpoint={mae_base}'
    train(TEC, work_dir, base)
    good = osp.join(work_dir, 'epoch_1.pth')
    before = open(good, 'rb').read()
    cmd = [sys.executable, TRAIN, TEC, '--work-dir', work_dir, '--resume',
           '--cfg-options', *TINY, base, 'train_cfg.max_epochs=2',
           'model.head.feature_loss.loss_weight=nan']
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode != 0
    assert 'non-finite loss at iteration 3 (epoch 2): loss=nan' in res.stderr
    assert 'loss_fea=nan' in res.stderr
    assert open(good, 'rb').read() == before
    assert not osp.exists(osp.join(work_dir, 'epoch_2.pth'))


@pytest.mark.skipif(not cpu_bf16_autocast(),
                    reason='this torch has no bfloat16 autocast on CPU')
def test_bf16_amp_trains_on_the_cpu(mae_base, tmp_path):
    work_dir = str(tmp_path / 'bf16')
    cmd = [sys.executable, TRAIN, TEC, '--amp', 'bf16', '--work-dir',
           work_dir, '--cfg-options', *TINY,
           f'model.target_generator.checkpoint={mae_base}']
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-4000:]
    assert 'replaced by tec_mm.BF16OptimWrapper (bfloat16 autocast on the ' \
        'CPU)' in res.stdout + res.stderr
    rows = logged_losses(work_dir)
    assert [it for it, _ in rows] == [1, 2]
    assert all(math.isfinite(v) for _, row in rows for v in row.values())


def test_missing_base_checkpoint_stops_before_training(tmp_path):
    cmd = [
        sys.executable, TRAIN, TEC, '--work-dir',
        str(tmp_path), '--cfg-options', *TINY,
        f'model.target_generator.checkpoint={tmp_path}/missing.pth'
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode != 0
    assert 'Base checkpoint not found' in res.stderr
    assert not glob.glob(str(tmp_path / '*.pth'))


def write_tiny_dino_base(path, patch=4, width=96, depth=6):
    """A random base of the demo's tiny ViT (or of another width and
    depth) in DINO's teacher format."""
    from tec_test_utils import ReferenceViT
    ref = ReferenceViT(
        dict(embed_dims=width, num_layers=depth, num_heads=4,
             feedforward_channels=4 * width), img=28, patch=patch, in_ch=1,
        std=0.02)
    torch.save({'teacher': {f'backbone.{k}': v
                            for k, v in ref.state_dict().items()}}, path)


def test_two_bases_train_one_adapter_each(mae_base, tmp_path):
    """The demo's MAE base and a wider, deeper one in DINO's format."""
    dino = str(tmp_path / 'dino.pth')
    write_tiny_dino_base(dino, width=128, depth=8)
    work_dir = str(tmp_path / 'two')
    train(TWO_BASES, work_dir,
          f'model.target_generator.mae.checkpoint={mae_base}',
          f'model.target_generator.ibot.checkpoint={dino}')
    for _, losses in logged_losses(work_dir):
        assert all(math.isfinite(v) for v in losses.values())
    state = load_checkpoint_file(osp.join(work_dir, 'epoch_1.pth'))[
        'state_dict']
    for name, width in (('mae', 96), ('ibot', 128)):
        assert f'neck.adapters.{name}.ln_out.weight' in state
        # each base's features predicted at its own width
        assert state[f'head.decoder.feature_pred.{name}.weight'].shape[0] \
            == width


def test_base_of_another_patch_size_trains_on_the_new_grid(tmp_path):
    coarse = str(tmp_path / 'dino_patch7.pth')
    write_tiny_dino_base(coarse, patch=7)  # 4 x 4 tokens; the model: 7 x 7
    work_dir = str(tmp_path / 'resampled')
    out = train(osp.join(ROOT, 'configs/demo/'
                         'tec_vit-tiny-p4_fmnist_other-patch-base.py'),
                work_dir, f'model.target_generator.checkpoint={coarse}')
    assert "Base model 'mae': " + coarse + ' (dino)' in out
    assert 'patch_size=7' in out
    for _, losses in logged_losses(work_dir):
        assert all(math.isfinite(v) for v in losses.values())


def test_full_size_config_on_tiny_data(tmp_path):
    """The 300-epoch MAE row's config with a ViT-B base in MAE format, as
    docs/pretraining.md documents, for 2 iterations on CPU."""
    from tec_test_utils import write_mae_checkpoint
    vit_b = dict(
        embed_dims=768, num_layers=12, num_heads=12,
        feedforward_channels=3072)
    base = str(tmp_path / 'mae_pretrain_vit_base.pth')
    write_mae_checkpoint(base, vit_b, img=224, patch=16, std=0.02)
    data = str(tmp_path / 'tiny_imagenet')
    subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools/benchmarks/make_tiny_imagenet.py'), data,
        '--num', '4'
    ], check=True, timeout=300)
    work_dir = str(tmp_path / 'vitb')
    cmd = [
        sys.executable, TRAIN,
        osp.join(ROOT, 'configs/tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py'), '--work-dir', work_dir,
        '--cfg-options', f'model.target_generator.checkpoint={base}',
        f'train_dataloader.dataset.data_root={data}',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1',
        # the 40-epoch warm-up in the run's first half, the cosine after it
        'param_scheduler.0.end=0.5', 'param_scheduler.1.begin=0.5',
        'default_hooks.logger.interval=1'
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    assert 'AmpOptimWrapper replaced by OptimWrapper' in res.stdout + \
        res.stderr
    losses = logged_losses(work_dir)
    assert [it for it, _ in losses] == [1, 2]
    assert all(math.isfinite(v) for _, row in losses for v in row.values())
