# The demo's MAE step (MMPretrain's MAE) with the progressive resolution and
# augmentation schedule of the TEC example: the encoder and decoder types
# whose position embeddings follow the grid, same weights and results at
# 28 px.
_base_ = ['../demo/mae_vit-tiny-p4_fmnist.py']
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
                begin=1,
                RandomResizedCrop=dict(
                    scale=20, crop_ratio_range=(0.65, 1.0))),
            dict(
                begin=2,
                RandomResizedCrop=dict(scale=28, crop_ratio_range=(0.5, 1.0))),
        ])
]
