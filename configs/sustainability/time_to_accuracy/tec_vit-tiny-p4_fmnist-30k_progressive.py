# The sustainability benchmark's TEC (4 epochs) with progressive resolution
# and augmentation: 16 px and mild crops in epoch 1, 20 px in epoch 2, the
# full 28 px and the benchmark's crops in epochs 3-4.
_base_ = ['../tec_vit-tiny-p4_fmnist-30k.py']
custom_hooks = [  # the runtime's hooks, then the progression
    dict(type='NonFiniteLossHook'),
    dict(type='RandomStateHook'),
    dict(type='LineageHook'),
    dict(
        type='ProgressiveResolutionHook',
        stages=[
            dict(
                begin=0,
                RandomResizedCrop=dict(scale=16, crop_ratio_range=(0.8, 1.0))),
            dict(
                begin=1,
                RandomResizedCrop=dict(
                    scale=20, crop_ratio_range=(0.65, 1.0))),
            dict(
                begin=2,
                RandomResizedCrop=dict(scale=28, crop_ratio_range=(0.5, 1.0))),
        ])
]
