# Efficient-training parts shared by the example configs
# (docs/efficient_training.md). A config takes one of these with
# `param_scheduler = {{_base_.cyclic_lr_<P>ep}}` or
# `custom_hooks = {{_base_.progression_<...>}}`.


def _cyclic_lr(period):
    """Triangular cycles of `period` epochs from lr/100 up to lr and back."""
    return [
        dict(type='ExtendableCyclicLR', period=period, eta_min_ratio=0.01,
             by_epoch=True, convert_to_iter_based=True)
    ]


def _progression(*stages):
    """The runtime's hooks, then RandomResizedCrop at each (begin epoch,
    size, crop ratio range) of `stages`."""
    return [
        dict(type='CompileReadyHook'),
    dict(type='NonFiniteLossHook'),
        dict(type='RandomStateHook'),
        dict(type='LineageHook'),
        dict(type='ProgressiveResolutionHook', stages=[
            dict(begin=begin, RandomResizedCrop=dict(
                scale=size, crop_ratio_range=crops))
            for begin, size, crops in stages
        ])
    ]


cyclic_lr_1ep = _cyclic_lr(1)
cyclic_lr_2ep = _cyclic_lr(2)
cyclic_lr_3ep = _cyclic_lr(3)
cyclic_lr_50ep = _cyclic_lr(50)
# Fashion-MNIST: 16 px with mild crops, 20 px, then the full 28 px with the
# demo's crops; for 3-4 epochs (the demo, the benchmark's TEC) and for the
# benchmark's 12-epoch MAE
progression_3ep = _progression((0, 16, (0.8, 1.0)), (1, 20, (0.65, 1.0)),
                               (2, 28, (0.5, 1.0)))
progression_12ep = _progression((0, 16, (0.8, 1.0)), (4, 20, (0.65, 1.0)),
                                (8, 28, (0.5, 1.0)))
# ImageNet ViT-B/16, 300 epochs: 128 px (8x8 patches), 176 px, then MAE's
# 224 px crops
progression_vitb_300ep = _progression((0, 128, (0.5, 1.0)),
                                      (100, 176, (0.35, 1.0)),
                                      (200, 224, (0.2, 1.0)))
