"""ExtendableCyclicLR: values across cycles by hand, and a run extended on
resume continues exactly as the longer run."""
import math

import pytest
import torch
from schedule_runs import longer_and_extended, values
from torch import nn

from tec_mm.efficient_training import ExtendableCyclicLR


def optimizer():
    weights = [nn.Parameter(torch.zeros(1)) for _ in range(2)]
    return torch.optim.SGD([dict(params=[weights[0]], lr=1.0),
                            dict(params=[weights[1]], lr=0.5)])


def close(got, expected):
    torch.testing.assert_close(torch.tensor(got, dtype=torch.float64),
                               torch.tensor(expected, dtype=torch.float64))


def test_triangular_cycles_by_hand():
    sched = ExtendableCyclicLR(optimizer(), period=4, eta_min_ratio=0.1,
                               by_epoch=False)
    # v = low + (top - low) * (1 - |2p - 1|), p = (t mod 4) / 4;
    # group 0: low 0.1, top 1; group 1: low 0.05, top 0.5
    expected = [[0.1, 0.05], [0.55, 0.275], [1.0, 0.5], [0.55, 0.275]] * 3
    close(values(sched, 12), expected)


def test_cosine_cycles_by_hand():
    sched = ExtendableCyclicLR(optimizer(), period=4, eta_min=0.2,
                               shape='cosine', by_epoch=False)
    c = (1 + math.cos(math.pi / 4)) / 2  # 0.8536
    group0 = [1.0, 0.2 + 0.8 * c, 0.6, 0.2 + 0.8 * (1 - c)] * 2
    group1 = [0.5, 0.2 + 0.3 * c, 0.35, 0.2 + 0.3 * (1 - c)] * 2
    close(values(sched, 8), list(zip(group0, group1)))


def test_epoch_period_becomes_iterations():
    sched = ExtendableCyclicLR.build_iter_from_epoch(
        optimizer(), period=2, begin=1, by_epoch=True, epoch_length=3)
    assert (sched.period, sched.begin, sched.by_epoch) == (6, 3, False)


@pytest.mark.parametrize('bad, match', [
    (dict(period=0), 'period=0 must be positive'),
    (dict(period=2, shape='saw'), "shape='saw'"),
])
def test_bad_settings_are_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        ExtendableCyclicLR(optimizer(), **bad)


CYCLIC = dict(type='tec_mm.ExtendableCyclicLR', period=2, eta_min=0.1,
              convert_to_iter_based=True)


def test_extending_a_finished_run_on_resume_goes_on_like_the_longer_run(
        tmp_path):
    longer, extended = longer_and_extended(tmp_path, CYCLIC)
    assert extended == pytest.approx(longer)
    # 4 iterations per epoch, 8 per cycle, triangular from 0.1 up to 0.4
    cycle = [0.1 + 0.3 * (1 - abs(2 * t / 8 - 1)) for t in range(8)]
    assert longer == pytest.approx(cycle * 2)


def test_cycles_start_at_begin():
    sched = ExtendableCyclicLR(optimizer(), period=4, eta_min=0., begin=2,
                               by_epoch=False)
    # the initial lr until step 2, then the triangle 0, 0.5, 1, 0.5 of it
    got = [group0 for group0, _ in values(sched, 7)]
    close(got, [1.0, 1.0, 0.0, 0.5, 1.0, 0.5, 0.0])
