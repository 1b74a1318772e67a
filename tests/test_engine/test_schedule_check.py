"""Schedules that would end before their run, or warm up past it, are
refused before training, naming both keys; those that follow the run are
not."""
import pytest
from mmengine.config import Config

from tec_mm.engine import ConfigError, check_schedule


def config(max_epochs=300, schedulers=None, **train_cfg):
    return Config(dict(
        train_cfg=dict(max_epochs=max_epochs, **train_cfg) if max_epochs
        else train_cfg,
        param_scheduler=schedulers if schedulers is not None else [
            dict(type='LinearLR', begin=0, end=40, by_epoch=True),
            dict(type='CosineAnnealingLR', T_max=260, begin=40, end=300,
                 by_epoch=True)]))


def test_the_800_epoch_trap_is_refused_naming_both_keys():
    with pytest.raises(ConfigError) as err:
        check_schedule(config(800))
    assert str(err.value) == (
        'train_cfg.max_epochs=800 runs past param_scheduler[1].end=300: '
        "from 300 on it would train at the schedule's last learning rate; "
        'set param_scheduler[1].end (and its T_max) to 800, or leave end '
        'out so that it follows train_cfg.max_epochs')


def test_a_warm_up_longer_than_the_run_is_refused():
    with pytest.raises(ConfigError, match=r'^the warm-up param_scheduler\[0\]'
                       r'.end=40 is longer than the run, train_cfg.'
                       'max_epochs=20'):
        check_schedule(config(20))
    with pytest.raises(ConfigError, match=r'param_scheduler\[0\].warmup=5 is '
                       'longer than the run, train_cfg.max_epochs=3'):
        check_schedule(config(3, [dict(type='WarmupStableDecayLR',
                                       warmup=5)]))


@pytest.mark.parametrize('cfg', [
    config(300),
    config(100),  # stops before the schedule's end: allowed
    config(800, [dict(type='LinearLR', end=40),
                 dict(type='CosineAnnealingLR', begin=40)]),  # no end
    config(400, [dict(type='WarmupStableDecayLR', warmup=3)]),
    config(800, [dict(type='LinearLR', end=1000, by_epoch=False)]),
    config(None, max_iters=1000),  # iteration schedulers are not compared
    config(5, [dict(type='LinearLR', end=1),
               dict(type='CosineAnnealingLR', end=5),
               dict(type='CosineRestartMomentum', end=2)]),  # not an lr one
])
def test_schedules_that_cover_the_run_pass(cfg):
    check_schedule(cfg)


def test_iteration_based_runs_compare_iteration_schedulers():
    with pytest.raises(ConfigError, match='train_cfg.max_iters=2000 runs '
                       r'past param_scheduler\[0\].end=1000'):
        check_schedule(config(None, [dict(type='PolyLR', end=1000,
                                          by_epoch=False)], max_iters=2000))


def test_a_scheduler_that_follows_the_run_must_begin_inside_it():
    """The pretraining cosine has no end (it ends with the run): a run
    shorter than its begin is refused with the key to change, and the
    same schedule over a long enough run passes."""
    schedulers = [dict(type='LinearLR', begin=0, end=1, by_epoch=True),
                  dict(type='CosineAnnealingLR', begin=40, by_epoch=True)]
    with pytest.raises(ConfigError) as err:
        check_schedule(config(1, schedulers))
    assert str(err.value) == (
        'param_scheduler[1].begin=40 is not before the end of the run, '
        'train_cfg.max_epochs=1, where this scheduler (without end) would '
        'end: set param_scheduler[1].begin to the end of the warm-up, or '
        'lengthen the run')
    check_schedule(config(41, schedulers))
    check_schedule(config(800, [dict(schedulers[0], end=40),
                                schedulers[1]]))
