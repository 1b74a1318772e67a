import torch

from tec_mm.evaluation import linear_probe


def blobs(n, seed):
    """Three classes, linearly separable along the first two channels, with
    a third channel of large noise."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 3
    centres = torch.tensor([[0., 4.], [4., 0.], [-4., -4.]])
    feats = torch.cat([centres[labels] + 0.5 * torch.randn(n, 2, generator=g),
                       50 * torch.randn(n, 1, generator=g)], dim=1)
    return feats, labels


def test_separable_classes_are_learned():
    x, y = blobs(600, 0)
    x_test, y_test = blobs(300, 1)
    pred = linear_probe(x, y, x_test, num_classes=3, epochs=20,
                        batch_size=64)
    assert (pred == y_test).float().mean() == 1.0
    # an untrained head (0 epochs) does not get there
    pred0 = linear_probe(x, y, x_test, num_classes=3, epochs=0)
    assert (pred0 == y_test).float().mean() < 0.9


def test_standardised_with_training_statistics():
    # a per-channel affine change of all features gives the same probe
    # (up to float rounding): standardisation uses the training mean/std
    x, y = blobs(300, 0)
    x_test, _ = blobs(100, 1)
    scale, shift = torch.tensor([100., 0.01, 3.]), torch.tensor([7., -2., 0.])
    a = linear_probe(x, y, x_test, 3, epochs=5, batch_size=32)
    b = linear_probe(x * scale + shift, y, x_test * scale + shift, 3,
                     epochs=5, batch_size=32)
    assert (a == b).float().mean() > 0.99
