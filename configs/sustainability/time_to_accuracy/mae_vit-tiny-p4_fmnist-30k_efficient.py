# The sustainability benchmark's MAE (12 epochs) with the progression and
# the cyclic learning rate together.
_base_ = ['./mae_vit-tiny-p4_fmnist-30k_progressive.py']
param_scheduler = [
    dict(
        type='ExtendableCyclicLR',
        period=3,
        eta_min_ratio=0.01,
        by_epoch=True,
        convert_to_iter_based=True)
]
