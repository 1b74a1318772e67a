"""The knee projected from a curve that has not reached it: a saturating
fit recovers its curve, and a log-linear curve projects none."""
import math

import pytest
from tec_bench.knee_projection import knee_projection


def curve(top1, epochs=(12, 16, 24, 32, 48, 64, 96)):
    return {f'mae{e}': dict(epochs=e, seed=0, knn=top1(e)) for e in epochs}


def test_a_saturating_curve_is_recovered_with_its_knee():
    # 90 - 60 / sqrt(E): E/3 more gain 60 E^-1/2 (1 - sqrt(3/4)) < 0.5 from
    # sqrt(E) > 120 (1 - 0.8660254) = 16.077, E > 258.46
    got = knee_projection(curve(lambda e: 90 - 60 / math.sqrt(e)), 'knn', 0.5)
    assert (got['a'], got['b'], got['c']) == pytest.approx((90, 60, 0.5),
                                                           rel=1e-6)
    assert got['knee'] == 259 and got['points'] == 7
    # last two points, 64 -> 96: 60 (1/8 - 1/sqrt(96)) / log2(1.5)
    assert got['per_doubling'] == pytest.approx(
        60 * (1 / 8 - 96**-0.5) / math.log2(1.5))


def test_a_log_linear_curve_projects_no_knee():
    got = knee_projection(curve(lambda e: 70 + 3 * math.log2(e)), 'knn', 0.5)
    assert got['knee'] is None
    assert got['per_doubling'] == pytest.approx(3)


def test_too_few_points_or_another_seed_give_nothing():
    points = curve(lambda e: 80 - 1 / e, epochs=(12, 16))
    assert knee_projection(points, 'knn', 0.5) is None
    assert knee_projection(curve(lambda e: 80 - 1 / e), 'knn', 0.5,
                           seed=1) is None
