# TEC ViT-B/16 from an MAE base with a matched progressive resolution and
# augmentation schedule: 128 px (8x8 patches) and mild crops for the first
# 100 epochs, 176 px for the next 100, then 224 px with MAE's crops. The
# base's K (15 at 224 px) scales with the patch count (5 at 128 px).
_base_ = ['../tec_vitb_mae.py']
custom_hooks = [  # the runtime's hooks, then the progression
    dict(type='NonFiniteLossHook'),
    dict(type='RandomStateHook'),
    dict(type='LineageHook'),
    dict(
        type='ProgressiveResolutionHook',
        stages=[
            dict(
                begin=0,
                RandomResizedCrop=dict(
                    scale=128, crop_ratio_range=(0.5, 1.0))),
            dict(
                begin=100,
                RandomResizedCrop=dict(
                    scale=176, crop_ratio_range=(0.35, 1.0))),
            dict(
                begin=200,
                RandomResizedCrop=dict(
                    scale=224, crop_ratio_range=(0.2, 1.0))),
        ])
]
