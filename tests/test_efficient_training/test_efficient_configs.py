"""The efficient-training configs through tools/train.py on a few real
Fashion-MNIST images: cyclic lr, masks, progression, all combined."""
import math
import os.path as osp

import pytest
from mmengine.config import Config

from runner_utils import (ROOT, assert_same_rows, logged_losses, run_rows,
                          train)

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
    assert_same_rows(run_rows(split), expected, [3, 4])
