"""tools/benchmarks/demo.py --epochs stretches the whole schedule, not only
the run."""
import os.path as osp

import pytest
from mmengine.config import Config

import demo
from tec_test_utils import ROOT


@pytest.mark.parametrize('config', ['mae_vit-tiny-p4_fmnist.py',
                                    'tec_vit-tiny-p4_fmnist.py'])
def test_epoch_options_move_the_cosine_end(config):
    cfg = Config.fromfile(osp.join(ROOT, 'configs/demo', config))
    assert cfg.param_scheduler[1].end == cfg.train_cfg.max_epochs == 3
    options = dict(o.split('=') for o in demo.epoch_options(7))
    cfg.merge_from_dict({k: int(v) for k, v in options.items()})
    warmup, cosine = cfg.param_scheduler
    assert cfg.train_cfg.max_epochs == 7
    assert (cosine.begin, cosine.end, cosine.T_max) == (1, 7, 6)
    assert (warmup.begin, warmup.end) == (0, 1)  # warm-up unchanged
