import torch

from tec_mm.evaluation import knn_predict, top1


def test_weighted_vote_hand_example():
    # bank: two class-0 points near +x, one class-1 point exactly at +y
    bank = torch.tensor([[1., 0.1], [1., -0.1], [0., 1.]])
    labels = torch.tensor([0, 0, 1])
    query = torch.tensor([[0.6, 0.8]])  # cos: 0.65, 0.52, 0.8 (normalised)
    # k=3, T=1: class 0 = e^0.676 + e^0.517 = 3.64 > class 1 = e^0.8 = 2.23
    assert knn_predict(bank, labels, query, 2, k=3, temperature=1.).item() \
        == 0
    # k=3, T=0.05: the closest point dominates
    assert knn_predict(bank, labels, query, 2, k=3,
                       temperature=0.05).item() == 1
    # k=1: nearest neighbour only
    assert knn_predict(bank, labels, query, 2, k=1).item() == 1


def test_chunks_do_not_change_predictions():
    torch.manual_seed(0)
    bank, labels = torch.randn(50, 4), torch.randint(0, 3, (50, ))
    queries = torch.randn(13, 4)
    assert torch.equal(
        knn_predict(bank, labels, queries, 3, k=5, chunk_size=4),
        knn_predict(bank, labels, queries, 3, k=5))


def test_top1_in_percent():
    assert top1(torch.tensor([1, 2, 3, 0]), torch.tensor([1, 2, 0, 0])) == 75.
