# The demo's TEC step with a matched progressive resolution and augmentation
# schedule (Kocyigit et al., WACV 2023): 16 px (4x4 patches) and mild crops
# in epoch 1, 20 px in epoch 2, the full 28 px and the demo's crops in
# epoch 3. The new model, the base and the decoders follow the grid; K
# scales with the patch count.
_base_ = ['../demo/tec_vit-tiny-p4_fmnist.py']
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
