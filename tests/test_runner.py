"""End to end through tools/train.py on a handful of real Fashion-MNIST
images: the demo's MAE base, TEC from it, a checkpoint, and --resume."""
import glob
import json
import math
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest
import torch
from mmengine.config import Config

from tec_mm.demo import DEBIAN_FASHION_MNIST
from tec_mm.engine import cpu_bf16_autocast, load_checkpoint_file

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TRAIN = osp.join(ROOT, 'tools/train.py')
MAE = osp.join(ROOT, 'configs/demo/mae_vit-tiny-p4_fmnist.py')
TEC = osp.join(ROOT, 'configs/demo/tec_vit-tiny-p4_fmnist.py')
TWO_BASES = osp.join(ROOT, 'configs/demo/tec_vit-tiny-p4_fmnist_2bases.py')
TINY = [
    'train_dataloader.dataset.indices=16', 'train_dataloader.batch_size=8',
    'default_hooks.logger.interval=1', 'train_cfg.max_epochs=1'
]

pytestmark = pytest.mark.skipif(
    not osp.isdir(DEBIAN_FASHION_MNIST),
    reason='Debian package dataset-fashion-mnist not installed')


def train(config, work_dir, *options, resume=False):
    cmd = [sys.executable, TRAIN, config, '--work-dir', work_dir]
    cmd += ['--resume'] if resume else []
    cmd += ['--cfg-options', *TINY, *options]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    return res.stdout + res.stderr


def logged_losses(work_dir):
    """(iter, {loss name: value}) of every logged training iteration."""
    rows = []
    for path in sorted(glob.glob(osp.join(work_dir, '*/vis_data/scalars.json'))):
        with open(path) as f:
            for line in f:
                entry = json.loads(line)
                losses = {k: v for k, v in entry.items() if 'loss' in k}
                if losses:
                    rows.append((entry['iter'], losses))
    return rows


@pytest.fixture(scope='module')
def mae_base(tmp_path_factory):
    work_dir = str(tmp_path_factory.mktemp('mae'))
    train(MAE, work_dir)
    return osp.join(work_dir, 'epoch_1.pth')


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


def run_rows(work_dir):
    """Every logged training row of the newest run in ``work_dir``."""
    newest = sorted(glob.glob(osp.join(work_dir, '*/vis_data/scalars.json')))
    if not newest:
        return []
    with open(newest[-1]) as f:
        return [row for row in map(json.loads, f) if 'loss' in row]


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
    resumed = run_rows(killed)
    assert [row['iter'] for row in resumed] == list(range(17, 33))
    for row in resumed:
        for key in ('loss', 'loss_fea', 'loss_att', 'lr'):
            assert row[key] == pytest.approx(expected[row['iter']][key],
                                             rel=1e-6, abs=1e-9), key


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


def write_tiny_dino_base(path, patch=4):
    """A random base of the demo's tiny ViT in DINO's teacher format."""
    from tec_test_utils import ReferenceViT
    ref = ReferenceViT(
        dict(embed_dims=96, num_layers=6, num_heads=4,
             feedforward_channels=384), img=28, patch=patch, in_ch=1,
        std=0.02)
    torch.save({'teacher': {f'backbone.{k}': v
                            for k, v in ref.state_dict().items()}}, path)


def test_two_bases_train_one_adapter_each(mae_base, tmp_path):
    dino = str(tmp_path / 'dino.pth')
    write_tiny_dino_base(dino)
    work_dir = str(tmp_path / 'two')
    train(TWO_BASES, work_dir,
          f'model.target_generator.mae.checkpoint={mae_base}',
          f'model.target_generator.ibot.checkpoint={dino}')
    for _, losses in logged_losses(work_dir):
        assert all(math.isfinite(v) for v in losses.values())
    state = load_checkpoint_file(osp.join(work_dir, 'epoch_1.pth'))[
        'state_dict']
    for name in ('mae', 'ibot'):
        assert f'neck.adapters.{name}.ln_out.weight' in state
        assert any(k.startswith('head.decoder.') and f'.{name}.' in k
                   for k in state)


def test_incompatible_base_is_refused_before_anything_is_saved(tmp_path):
    coarse = str(tmp_path / 'dino_patch7.pth')
    write_tiny_dino_base(coarse, patch=7)
    work_dir = tmp_path / 'refused'
    cmd = [
        sys.executable, TRAIN, TEC, '--work-dir',
        str(work_dir), '--cfg-options', *TINY,
        f'model.target_generator.checkpoint={coarse}',
        'model.target_generator.patch_size=None'
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode != 0
    assert 'patch grid: base (4, 4) (patch 7), new model (7, 7)' in res.stderr
    assert not glob.glob(str(work_dir / '**/*.pth'), recursive=True)


def test_full_size_config_on_tiny_data(tmp_path):
    """configs/tec_vitb_mae.py with a ViT-B base in MAE format, as the README
    documents, for 2 iterations on CPU."""
    from tec_test_utils import write_mae_checkpoint
    vit_b = dict(
        embed_dims=768, num_layers=12, num_heads=12,
        feedforward_channels=3072)
    base = str(tmp_path / 'mae_pretrain_vit_base.pth')
    write_mae_checkpoint(base, vit_b, img=224, patch=16, std=0.02)
    data = str(tmp_path / 'tiny_imagenet')
    subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools/make_tiny_imagenet.py'), data, '--num', '4'
    ], check=True, timeout=300)
    work_dir = str(tmp_path / 'vitb')
    cmd = [
        sys.executable, TRAIN,
        osp.join(ROOT, 'configs/tec_vitb_mae.py'), '--work-dir', work_dir,
        '--cfg-options', f'model.target_generator.checkpoint={base}',
        f'train_dataloader.dataset.data_root={data}',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1'
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    assert 'AmpOptimWrapper replaced by OptimWrapper' in res.stdout + \
        res.stderr
    losses = logged_losses(work_dir)
    assert [it for it, _ in losses] == [1, 2]
    assert all(math.isfinite(v) for _, row in losses for v in row.values())


EFFICIENT = osp.join(ROOT, 'configs/efficient_training/')


@pytest.mark.parametrize('name', ['mae_vit-tiny-p4_fmnist_cyclic-lr.py',
                                  'tec_vit-tiny-p4_fmnist_cyclic-lr.py'])
def test_cyclic_lr_configs_train_on_triangles(mae_base, tmp_path, name):
    work_dir = str(tmp_path / 'cyclic')
    base = [f'model.target_generator.checkpoint={mae_base}'
            ] if name.startswith('tec') else []
    train(EFFICIENT + name, work_dir, *base, 'train_cfg.max_epochs=2')
    lr = Config.fromfile(EFFICIENT + name).optim_wrapper.optimizer.lr
    rows = run_rows(work_dir)
    # one-epoch cycles of 2 iterations: lr/100, lr, lr/100, lr
    assert [r['lr'] for r in rows] == pytest.approx([lr / 100, lr] * 2)


@pytest.mark.parametrize('name', ['tec_vit-tiny-p4_fmnist_4-masks.py',
                                  'tec_vit-tiny-p4_fmnist_hard-masks.py'])
def test_mask_configs_train(mae_base, tmp_path, name):
    work_dir = str(tmp_path / 'masks')
    train(EFFICIENT + name, work_dir,
          f'model.target_generator.checkpoint={mae_base}')
    losses = logged_losses(work_dir)
    assert [it for it, _ in losses] == [1, 2]  # batch 8 of 16 images
    assert all(math.isfinite(v) for _, row in losses for v in row.values())


@pytest.mark.parametrize('method', ['mae', 'tec'])
def test_progression_changes_the_pipeline_at_its_stages(mae_base, tmp_path,
                                                        method):
    base = [f'model.target_generator.checkpoint={mae_base}'
            ] if method == 'tec' else []
    out = train(EFFICIENT + f'{method}_vit-tiny-p4_fmnist_progressive.py',
                str(tmp_path / 'progressive'), *base,
                'train_cfg.max_epochs=2')
    assert ("Progressive stage from epoch 1: {'RandomResizedCrop': "
            "{'scale': 16, 'crop_ratio_range': (0.8, 1.0)}}") in out
    assert "from epoch 2: {'RandomResizedCrop': {'scale': 20" in out


def test_all_strategies_resumed_mid_progression_match_the_straight_run(
        mae_base, tmp_path):
    """Cyclic lr, progressive resolution, hard masks and 2 views: a run of
    1 epoch extended to 2 on resume (so at the next stage) gives the
    2-epoch run's losses and lrs."""
    config = EFFICIENT + 'tec_vit-tiny-p4_fmnist_efficient.py'
    base = f'model.target_generator.checkpoint={mae_base}'
    straight = str(tmp_path / 'straight')
    train(config, straight, base, 'train_cfg.max_epochs=2')
    expected = {row['iter']: row for row in run_rows(straight)}
    split = str(tmp_path / 'split')
    train(config, split, base)
    train(config, split, base, 'train_cfg.max_epochs=2', resume=True)
    resumed = run_rows(split)
    assert [row['iter'] for row in resumed] == [3, 4]
    for row in resumed:
        for key in ('loss', 'loss_fea', 'loss_att', 'lr'):
            assert row[key] == pytest.approx(expected[row['iter']][key],
                                             rel=1e-6, abs=1e-9), key
