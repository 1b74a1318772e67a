"""The knee study's projected cost by hand."""
import pytest
from tec_bench import knee_cost


def test_projected_cost_by_hand():
    plan = dict(mae=1., tec=0., finetune_50k=0., finetune_60k=0., probe=0.)
    # E1 = 12: points 12, 16 and 24; stable runs to 24 - 2 = 22 (seed 0)
    # and 16 - 2 = 14 (seed 1); branches 1 + 2 + 2 (seed 0) + 1 + 2
    parts = knee_cost.projected_minutes(12, plan)
    assert parts['mae'] == pytest.approx(22 + 14 + 5 + 3)
    plan = dict(mae=0., tec=2., finetune_50k=0., finetune_60k=0., probe=0.)
    # six sweep runs and seed 1 of E1/3 = 4 epochs, and TEC for E1
    assert knee_cost.projected_minutes(12, plan)['tec'] == \
        pytest.approx(2 * (7 * 4 + 12))
    # --taus-only: three sweep runs
    assert knee_cost.projected_minutes(12, plan, sweep_runs=3)['tec'] == \
        pytest.approx(2 * (4 * 4 + 12))


def test_the_plan_projects_the_knee_found():
    plan = dict(machine='vm', mae=0., tec=0.2, finetune_50k=0.,
                finetune_60k=0., probe=0.)
    rows = knee_cost.plan_rows(dict(plan=plan, e1=1536))
    table = [r for r in rows if r.startswith('| ')]
    assert [r.split(' | ')[0] for r in table[1:]] == [
        '| 24', '| 48', '| 96', '| 192', '| 384', '| 1536']
    # TEC: 3 x 512 (sweep) + 512 (seed 1) + 1536 epochs at 0.2 min = 716.8
    assert rows[-2] == (
        'At the knee found, E1 = 1536, a sweep of the taus only '
        '(`--taus-only`) projects the study to 11.9 hours of one process '
        '(6.0 with two).')
