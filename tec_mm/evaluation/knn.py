"""k-nearest-neighbour classification of frozen features."""
from typing import Iterable, Tuple

import torch
from mmengine.model import BaseModel


@torch.no_grad()
def extract_pooled_features(
        model: BaseModel,
        dataloader: Iterable[dict]) -> Tuple[torch.Tensor, torch.Tensor]:
    """Average-pooled patch tokens of a model's last block, with labels.

    Args:
        model (BaseModel): A self-supervisor whose ``extract_feat`` returns
            a tuple ending with the raw last-block tokens B x (1+N) x C
            (MMPretrain's ``MAE``, :class:`TECAlgorithm`).
        dataloader (Iterable[dict]): Batches of packed inputs with
            ``gt_label`` in their data samples.

    Returns:
        Tuple[torch.Tensor, torch.Tensor]: Features N x C and labels N.
    """
    model.eval()
    feats, labels = [], []
    for batch in dataloader:
        data = model.data_preprocessor(batch, False)
        tokens = model.extract_feat(data['inputs'])[-1]
        feats.append(tokens[:, 1:].mean(dim=1).float().cpu())
        labels.extend(int(s.gt_label) for s in data['data_samples'])
    return torch.cat(feats), torch.tensor(labels)


def knn_predict(train_feats: torch.Tensor,
                train_labels: torch.Tensor,
                test_feats: torch.Tensor,
                num_classes: int,
                k: int = 20,
                temperature: float = 0.07,
                chunk_size: int = 1024) -> torch.Tensor:
    """Weighted kNN vote on cosine similarity.

    Each of the ``k`` nearest training features (cosine similarity ``s``)
    votes for its label with weight ``exp(s / temperature)``.

    Args:
        train_feats (torch.Tensor): M x C.
        train_labels (torch.Tensor): M, in [0, num_classes).
        test_feats (torch.Tensor): N x C.
        num_classes (int): Number of classes.
        k (int): Neighbours. Defaults to 20.
        temperature (float): Vote temperature. Defaults to 0.07.
        chunk_size (int): Test features per similarity block.

    Returns:
        torch.Tensor: Predicted labels, N.
    """
    bank = torch.nn.functional.normalize(train_feats, dim=1)
    queries = torch.nn.functional.normalize(test_feats, dim=1)
    preds = []
    for chunk in queries.split(chunk_size):
        sim, idx = (chunk @ bank.T).topk(k, dim=1)
        votes = torch.zeros(len(chunk), num_classes)
        votes.scatter_add_(1, train_labels[idx], (sim / temperature).exp())
        preds.append(votes.argmax(dim=1))
    return torch.cat(preds)
