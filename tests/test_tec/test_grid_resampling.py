"""Resampling a base's targets to another patch grid, by hand."""
import torch

from tec_mm.tec.grid_resampling import (map_indices, resample_targets,
                                        resample_tokens)


def test_halving_a_grid_averages_each_block():
    x = torch.arange(16.).reshape(1, 16, 1)  # 4 x 4, row-major
    got = resample_tokens(x, (4, 4), (2, 2))[0, :, 0]
    # blocks {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}
    torch.testing.assert_close(got, torch.tensor([2.5, 4.5, 10.5, 12.5]))


def test_doubling_a_grid_interpolates_between_centres():
    x = torch.tensor([[[0.], [4.]]])  # 1 x 2 grid
    got = resample_tokens(x, (1, 2), (1, 4))[0, :, 0]
    # new centres at 0.25, 0.75, 1.25, 1.75 old cells: clamp, 1/4, 3/4, clamp
    torch.testing.assert_close(got, torch.tensor([0., 1., 3., 4.]))


def test_indices_go_to_the_patch_holding_their_centre():
    # 4 x 4 -> 2 x 2: (1,1) -> (0,0); (2,2) -> (1,1); (0,3) -> (0,1)
    got = map_indices(torch.tensor([[5, 10, 3]]), (4, 4), (2, 2))
    assert got.tolist() == [[0, 3, 1]]
    # 2 x 2 -> 3 x 3: (0,0) centre 0.25 -> row/col 0; (1,1) 0.75 -> 2
    assert map_indices(torch.tensor([0, 3]), (2, 2), (3, 3)).tolist() == \
        [0, 8]


def test_targets_on_the_new_grid():
    targets = dict(
        feature=torch.arange(16.).reshape(1, 16, 1),
        attention=torch.arange(16.).reshape(1, 1, 1, 16).repeat(1, 2, 1, 1),
        indices=torch.tensor([[10]]),
        cls_attention=torch.full((1, 16), 1 / 16))
    got = resample_targets(targets, (4, 4), (2, 2))
    block_means = torch.tensor([2.5, 4.5, 10.5, 12.5])
    torch.testing.assert_close(got['feature'][0, :, 0], block_means)
    torch.testing.assert_close(got['attention'][0, 1, 0], block_means)
    assert got['indices'].tolist() == [[3]]
    torch.testing.assert_close(got['cls_attention'], torch.full((1, 4), .25))
    assert resample_targets(targets, (4, 4), (4, 4)) is targets
