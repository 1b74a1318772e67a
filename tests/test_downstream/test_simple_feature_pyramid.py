"""ViTDet's simple feature pyramid: level sizes, and the pooled level and
P6 computed by hand."""
import pytest
import torch
import torch.nn.functional as F

from tec_mm import SimpleFeaturePyramid


def channel_layer_norm(x):
    """LayerNorm over channels of B x C x H x W, weight 1 bias 0."""
    return F.layer_norm(x.permute(0, 2, 3, 1), x.shape[1:2],
                        eps=1e-6).permute(0, 3, 1, 2)


def test_level_sizes_and_widths():
    fpn = SimpleFeaturePyramid(in_channels=16, out_channels=8)
    outs = fpn((torch.randn(2, 16, 8, 8), ))
    assert [o.shape for o in outs] == [(2, 8, s, s) for s in (32, 16, 8, 4, 2)]
    # x4: two transposed convs 16 -> 8 -> 4 with LayerNorm + GELU between
    up4 = fpn.levels[0][0]
    assert [m.out_channels for m in up4 if hasattr(m, 'out_channels')] == [
        8, 4
    ]
    assert fpn.levels[0][1].in_channels == 4
    tiny = SimpleFeaturePyramid(16, 8, scale_factors=(1, 0.5, 0.25, 0.125))
    assert [o.shape[-1] for o in tiny((torch.randn(1, 16, 16, 16), ))
            ] == [16, 8, 4, 2, 1]


def test_pooled_level_and_p6_by_hand():
    torch.manual_seed(0)
    fpn = SimpleFeaturePyramid(in_channels=4, out_channels=4)
    # make the x0.5 level's convolutions identities: what is left is
    # max pooling and two channel LayerNorms
    level = fpn.levels[3]
    with torch.no_grad():
        level[1].weight.copy_(torch.eye(4)[:, :, None, None])
        level[3].weight.zero_()
        level[3].weight[:, :, 1, 1] = torch.eye(4)
    x = torch.randn(1, 4, 6, 6)
    outs = fpn((torch.randn(1, 4, 6, 6), x))  # only the last map is used
    pooled = torch.stack([
        torch.stack([x[0, :, 2 * i:2 * i + 2, 2 * j:2 * j + 2].amax((1, 2))
                     for j in range(3)], -1) for i in range(3)
    ], -2)[None]
    expected = channel_layer_norm(channel_layer_norm(pooled))
    torch.testing.assert_close(outs[3], expected, atol=1e-5, rtol=1e-5)
    # P6 keeps every other row and column of the last level
    torch.testing.assert_close(outs[4], outs[3][..., ::2, ::2])


def test_bad_arguments():
    with pytest.raises(ValueError, match='not a power of 2'):
        SimpleFeaturePyramid(8, 8, scale_factors=(3, 1))
    with pytest.raises(ValueError, match='num_outs=2 is fewer'):
        SimpleFeaturePyramid(8, 8, num_outs=2)
