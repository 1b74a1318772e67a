"""Linear probing of frozen features."""
import math

import torch
from torch import nn


def linear_probe(train_feats: torch.Tensor,
                 train_labels: torch.Tensor,
                 test_feats: torch.Tensor,
                 num_classes: int,
                 epochs: int = 50,
                 batch_size: int = 1024,
                 lr: float = 0.1,
                 seed: int = 0) -> torch.Tensor:
    """Train a linear classifier on frozen features and predict.

    As in MAE's linear probing, the features are standardised per channel
    with the training set's mean and standard deviation (a BatchNorm
    without affine parameters, frozen after the statistics), then one
    Linear layer is trained with cross-entropy by SGD (momentum 0.9, no
    weight decay) and a per-step cosine learning rate from ``lr`` to 0.

    Args:
        train_feats (torch.Tensor): M x C.
        train_labels (torch.Tensor): M, in [0, num_classes).
        test_feats (torch.Tensor): N x C.
        num_classes (int): Number of classes.
        epochs (int): Passes over the training features. Defaults to 50.
        batch_size (int): Features per step. Defaults to 1024.
        lr (float): Peak learning rate. Defaults to 0.1.
        seed (int): Seed of the shuffling and of the layer's
            initialisation. Defaults to 0.

    Returns:
        torch.Tensor: Predicted labels, N.
    """
    generator = torch.Generator().manual_seed(seed)
    mean = train_feats.mean(dim=0)
    std = train_feats.std(dim=0).clamp_min(1e-6)
    x_train = (train_feats - mean) / std
    head = nn.Linear(train_feats.shape[1], num_classes)
    with torch.no_grad():
        bound = 1 / math.sqrt(train_feats.shape[1])
        head.weight.uniform_(-bound, bound, generator=generator)
        head.bias.zero_()
    optimizer = torch.optim.SGD(head.parameters(), lr=lr, momentum=0.9)
    steps_per_epoch = math.ceil(len(x_train) / batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=epochs * steps_per_epoch)
    for _ in range(epochs):
        order = torch.randperm(len(x_train), generator=generator)
        for idx in order.split(batch_size):
            loss = nn.functional.cross_entropy(head(x_train[idx]),
                                               train_labels[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    with torch.no_grad():
        return head((test_feats - mean) / std).argmax(dim=1)
