# The budget of the sustainability benchmark
# (tools/benchmarks/sustainability.py): the demo's tiny ViT pretrained on the
# first 30k Fashion-MNIST training images (same augmentation in every arm),
# an MAE base of E1 = 5 epochs, then E2 = 2 more epochs of MAE or of TEC.
# Each schedule: 1 warm-up epoch, then cosine to 0 (per iteration).
pretrain_images = 30000
base_epochs = 5  # E1
more_epochs = 2  # E2


def _warmup_cosine(epochs):
    return [
        dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
             end=1, convert_to_iter_based=True),
        dict(type='CosineAnnealingLR', T_max=epochs - 1, eta_min=0.,
             by_epoch=True, begin=1, end=epochs, convert_to_iter_based=True)
    ]


base_schedule = _warmup_cosine(base_epochs)
more_schedule = _warmup_cosine(more_epochs)
