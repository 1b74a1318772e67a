import math

import pytest
import torch

from tec_mm import PatchNormMSELoss, patch_normalize


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


def test_channel_norm_ablation_normalises_each_patch_over_channels():
    # patch 0: channels (1, 3): mean 2, unbiased var 2; patch 1: (5, 5, ...)
    t = torch.tensor([[[1., 3.], [4., 8.]]])
    eps = 1e-6
    expected = torch.tensor([[[-1 / math.sqrt(2 + eps), 1 / math.sqrt(2 + eps)],
                              [-2 / math.sqrt(8 + eps), 2 / math.sqrt(8 + eps)]]])
    torch.testing.assert_close(patch_normalize(t, eps, 'channel'), expected)
    # the loss uses it: the channel-normalised target gives zero loss, the
    # patch-normalised one does not
    loss = PatchNormMSELoss(norm_dim='channel')
    mask = torch.ones(1, 2)
    assert loss(expected, t, mask).item() == pytest.approx(0., abs=1e-10)
    assert loss(patch_normalize(t), t, mask).item() > 0.1


def test_unknown_norm_dim_is_refused():
    with pytest.raises(ValueError, match="norm_dim='pixel'"):
        PatchNormMSELoss(norm_dim='pixel')
