"""WarmupStableDecayLR: values by hand, a stable run extended on resume,
and a decay branch resumed off a stable checkpoint equal to the same
schedule run from scratch."""
import pytest
import torch
from schedule_runs import longer_and_extended, train, values
from torch import nn

from tec_mm.efficient_training import WarmupStableDecayLR

STABLE = dict(type='tec_mm.WarmupStableDecayLR', warmup=1, start_factor=0.25,
              convert_to_iter_based=True)


def scheduler(**kwargs):
    weights = [nn.Parameter(torch.zeros(1)) for _ in range(2)]
    optimizer = torch.optim.SGD([dict(params=[weights[0]], lr=1.0),
                                 dict(params=[weights[1]], lr=0.5)])
    return WarmupStableDecayLR(optimizer, by_epoch=False, **kwargs)


def test_warmup_stable_decay_by_hand():
    sched = scheduler(warmup=2, decay_begin=4, start_factor=0.5, end=8,
                      eta_min=0.1)
    got = values(sched, 8)
    # warm-up 0.5, 0.75 of the top; top at 2, 3; then 4 steps from the
    # top to 0.1 at step 8: (8 - t) / 4 of the way
    first = [0.5, 0.75, 1, 1, 1, 0.1 + 0.9 * 3 / 4, 0.1 + 0.9 / 2,
             0.1 + 0.9 / 4]
    second = [0.25, 0.375, 0.5, 0.5, 0.5, 0.1 + 0.4 * 3 / 4, 0.1 + 0.4 / 2,
              0.1 + 0.4 / 4]
    assert [g[0] for g in got] == pytest.approx(first)
    assert [g[1] for g in got] == pytest.approx(second)


def test_without_decay_the_value_stays():
    got = [g[0] for g in values(scheduler(warmup=1, start_factor=0.5), 5)]
    assert got == pytest.approx([0.5, 1, 1, 1, 1])


@pytest.mark.parametrize('bad, match', [
    (dict(warmup=-1), 'must not be negative'),
    (dict(warmup=1, start_factor=0.), r'in \(0, 1\]'),
    (dict(warmup=4, decay_begin=2, end=10), 'at or after the warm-up'),
    (dict(warmup=1, decay_begin=10, end=10), 'before the end'),
])
def test_bad_settings_are_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        scheduler(**bad)


def test_epochs_become_iterations():
    weights = [nn.Parameter(torch.zeros(1))]
    sched = WarmupStableDecayLR.build_iter_from_epoch(
        torch.optim.SGD(weights, lr=1.0), warmup=1, decay_begin=2, end=3,
        epoch_length=4)
    assert (sched.warmup, sched.decay_begin, sched.end) == (4, 8, 12)


def test_extending_the_stable_run_on_resume_goes_on_like_the_longer_run(
        tmp_path):
    longer, extended = longer_and_extended(tmp_path, STABLE)
    assert extended == pytest.approx(longer)
    warmup = [0.4 * (0.25 + 0.75 * t / 4) for t in range(4)]
    assert longer == pytest.approx(warmup + [0.4] * 12)


def test_a_decay_branch_off_a_stable_checkpoint_is_the_decayed_run(
        tmp_path):
    train(tmp_path / 'stable', 3, STABLE)
    decayed = dict(STABLE, decay_begin=2)
    branch = train(tmp_path / 'branch', 4, decayed,
                   resume=str(tmp_path / 'stable' / 'epoch_2.pth'))
    whole = train(tmp_path / 'whole', 4, decayed)
    assert branch == pytest.approx(whole[8:])
    # 8 iterations from 0.4 down to 0 at iteration 16
    assert branch == pytest.approx([0.4 * (16 - t) / 8 for t in range(8, 16)])
