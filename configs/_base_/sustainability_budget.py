# The budget of the sustainability benchmark (tools/benchmarks/sustainability.py):
# the demo's tiny ViT pretrained on the first 30k Fashion-MNIST training
# images (same augmentation, batch and optimizer in every arm). MAE is
# trained from scratch for each of `curve_epochs`; E1 is the knee of that
# curve (E1/3 more epochs gain less than `knee_gain` fine-tuning top-1),
# TEC and the continued MAE get E2 = E1/3 epochs. Each schedule: a linear
# warm-up of `budget_warmup_epochs` but at most a quarter of the run, then
# cosine to 0 (per iteration).
pretrain_images = 30000
curve_epochs = [3, 6, 12]
knee_gain = 0.5
base_epochs = 12  # E1, as the curve chose it (no knee: its last point)
more_epochs = base_epochs // 3  # E2
budget_warmup_epochs = 1


def _warmup_cosine(epochs, warmup):
    return [
        dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
             end=warmup, convert_to_iter_based=True),
        dict(type='CosineAnnealingLR', T_max=epochs - warmup, eta_min=0.,
             by_epoch=True, begin=warmup, end=epochs,
             convert_to_iter_based=True)
    ]


base_schedule = _warmup_cosine(base_epochs, budget_warmup_epochs)
more_schedule = _warmup_cosine(more_epochs, min(budget_warmup_epochs,
                                                more_epochs / 4))
