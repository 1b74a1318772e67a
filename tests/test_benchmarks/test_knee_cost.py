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
