# The sustainability benchmark's MAE (E1 = 12 epochs) with the extendable
# cyclic learning rate: triangular cycles of 3 epochs, 4 low points.
_base_ = ['../mae_vit-tiny-p4_fmnist-30k.py']
param_scheduler = [
    dict(
        type='ExtendableCyclicLR',
        period=3,
        eta_min_ratio=0.01,
        by_epoch=True,
        convert_to_iter_based=True)
]
