# The sustainability benchmark's MAE (12 epochs) with progressive resolution
# and augmentation: 16 px and mild crops for epochs 1-4, 20 px for 5-8, the
# full 28 px and the benchmark's crops for 9-12.
_base_ = ['../mae_vit-tiny-p4_fmnist-30k.py']
model = dict(
    backbone=dict(type='ResizableMAEViT'),
    neck=dict(type='ResizableMAEPretrainDecoder'))
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
                begin=4,
                RandomResizedCrop=dict(
                    scale=20, crop_ratio_range=(0.65, 1.0))),
            dict(
                begin=8,
                RandomResizedCrop=dict(scale=28, crop_ratio_range=(0.5, 1.0))),
        ])
]
