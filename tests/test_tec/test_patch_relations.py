import torch

from tec_mm.tec.patch_relations import relation_logits


def test_rows_and_keys_by_hand():
    # B=1, H=2, CLS + 3 patches, d=2
    q = torch.tensor([[[[1., 0.], [0., 1.], [1., 1.], [2., 0.]],
                       [[0., 1.], [1., 0.], [0., 2.], [1., -1.]]]])
    k = torch.tensor([[[[9., 9.], [1., 2.], [3., 4.], [5., 6.]],
                       [[9., 9.], [1., -1.], [0., 1.], [2., 0.]]]])
    out = relation_logits(q, k, torch.tensor([[2]]), 0.5)
    assert out.shape == (1, 2, 2, 3)  # B x (K+1) x H x N
    # row 0 = CLS query; row 1 = patch 2, i.e. token 3; CLS key left out
    # head 0: CLS q (1,0) . keys (1,2),(3,4),(5,6) = 1, 3, 5
    #         patch 2 q (2,0) . keys = 2, 6, 10
    # head 1: CLS q (0,1) . keys (1,-1),(0,1),(2,0) = -1, 1, 0
    #         patch 2 q (1,-1) . keys = 2, -1, 2
    expected = 0.5 * torch.tensor([[[[1., 3., 5.], [-1., 1., 0.]],
                                    [[2., 6., 10.], [2., -1., 2.]]]])
    assert torch.equal(out, expected)
