import math

import pytest
import torch

from tec_mm import AttentionRelationLoss


def test_attention_loss_hand_value_and_tau():
    target = torch.tensor([[[[0., math.log(3.)]]]])  # 1 x 1 x 1 x 2
    pred = torch.tensor([[[[0., 0.]]]])
    # tau 1: p = (1/4, 3/4); CE vs uniform prediction = log 2
    assert AttentionRelationLoss(tau=1.)(pred, target).item() == \
        pytest.approx(math.log(2.))
    # a sharper prediction: log_softmax(0, log 3) = (log 1/4, log 3/4)
    sharp = target.clone()
    expected = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    assert AttentionRelationLoss(tau=1.)(sharp, target).item() == \
        pytest.approx(expected)
    # tau 2: p = softmax(0, log(3)/2) = (1, sqrt 3) / (1 + sqrt 3)
    p1 = math.sqrt(3) / (1 + math.sqrt(3))
    expected_tau = -((1 - p1) * math.log(0.25) + p1 * math.log(0.75))
    assert AttentionRelationLoss(tau=2.)(sharp, target).item() == \
        pytest.approx(expected_tau)


def test_attention_loss_averages_rows_heads_batch():
    torch.manual_seed(0)
    pred, target = torch.randn(2, 3, 4, 5), torch.randn(2, 3, 4, 5)
    loss = AttentionRelationLoss(tau=1.4)
    per_row = torch.stack([
        loss(pred[b:b + 1, r:r + 1, h:h + 1], target[b:b + 1, r:r + 1,
                                                      h:h + 1])
        for b in range(2) for r in range(3) for h in range(4)
    ])
    torch.testing.assert_close(loss(pred, target), per_row.mean())
    with pytest.raises(ValueError):
        AttentionRelationLoss(tau=0)


def test_attention_loss_tau_per_base():
    target = torch.tensor([[[[0., math.log(3.)]]]])
    pred = torch.tensor([[[[0., math.log(3.)]]]])
    loss = AttentionRelationLoss(tau=dict(mae=2., ibot=1.))
    assert loss(pred, target, 'mae').item() == pytest.approx(
        AttentionRelationLoss(tau=2.)(pred, target).item())
    # tau 1 for ibot: the target equals the prediction, CE = its entropy
    expected = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    assert loss(pred, target, 'ibot').item() == pytest.approx(expected)
    with pytest.raises(KeyError, match="no attention tau for base model 'dino'"):
        loss(pred, target, 'dino')
    with pytest.raises(ValueError):
        AttentionRelationLoss(tau=dict(mae=1., ibot=-1.))
