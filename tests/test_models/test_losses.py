import math

import pytest
import torch

from tec_mm.models import (AttentionRelationLoss, PatchNormMSELoss,
                           patch_normalize)


def test_patch_normalize_hand_values():
    # one image, 3 patches, 2 channels
    t = torch.tensor([[[1., 10.], [2., 10.], [3., 16.]]])
    # channel 0: mean 2, unbiased var 1; channel 1: mean 12, var 12
    eps = 1e-6
    expected = torch.tensor([[[-1 / math.sqrt(1 + eps), -2 / math.sqrt(12 + eps)],
                              [0., -2 / math.sqrt(12 + eps)],
                              [1 / math.sqrt(1 + eps), 4 / math.sqrt(12 + eps)]]])
    torch.testing.assert_close(patch_normalize(t, eps), expected)


def test_patch_normalize_is_per_image():
    a = torch.randn(1, 5, 3)
    both = torch.cat([a, 100 * a + 7])
    out = patch_normalize(both)
    torch.testing.assert_close(out[0], out[1], atol=1e-4, rtol=0)


def test_mse_averages_masked_patches_only():
    loss = PatchNormMSELoss(eps=0.)
    target = torch.tensor([[[1., 10.], [2., 10.], [3., 16.]]])
    t_hat = patch_normalize(target, 0.)
    pred = t_hat.clone()
    pred[0, 0] += torch.tensor([1., 3.])  # patch 0: squared error (1+9)/2 = 5
    pred[0, 1] += torch.tensor([2., 0.])  # patch 1: (4+0)/2 = 2
    pred[0, 2] += 100.  # unmasked patch: ignored
    mask = torch.tensor([[1., 1., 0.]])
    assert loss(pred, target, mask).item() == pytest.approx(3.5)
    # averaged over the batch's masked patches (3 here), not per image
    target2 = torch.cat([target, target])
    pred2 = torch.cat([pred, t_hat])
    mask2 = torch.tensor([[1., 1., 0.], [1., 0., 0.]])
    assert loss(pred2, target2, mask2).item() == pytest.approx(7 / 3)


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
