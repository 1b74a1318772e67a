"""Top-1 accuracy of predicted labels."""
import torch


def top1(pred: torch.Tensor, labels: torch.Tensor) -> float:
    """Top-1 accuracy in %.

    Args:
        pred (torch.Tensor): Predicted labels, N.
        labels (torch.Tensor): True labels, N.
    """
    return 100. * (pred == labels).float().mean().item()
