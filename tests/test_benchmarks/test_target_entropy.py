import math

import pytest
import torch

from tec_bench import attention_target_entropy


def test_uniform_rows_have_entropy_one():
    assert attention_target_entropy(torch.zeros(2, 3, 4, 49), 1.8) == \
        pytest.approx(1.0)


def test_entropy_by_hand():
    # logits (0, log 3) at tau 1: p = (1/4, 3/4);
    # H = -(1/4 log 1/4 + 3/4 log 3/4) = 0.5623 nats; / log 2 = 0.8113
    logits = torch.tensor([0., math.log(3.)]).view(1, 1, 1, 2)
    assert attention_target_entropy(logits, 1.0) == pytest.approx(
        0.811278, abs=1e-5)
    # tau = 0.5 squares the odds: p = (1/10, 9/10), H / log 2 = 0.4690
    assert attention_target_entropy(logits, 0.5) == pytest.approx(
        0.468996, abs=1e-5)
