# The demo's MAE step (MMPretrain's MAE) with the extendable cyclic learning
# rate: one-epoch triangular cycles from lr/100 up to lr and back.
_base_ = ['../demo/mae_vit-tiny-p4_fmnist.py']
param_scheduler = [
    dict(
        type='ExtendableCyclicLR',
        period=1,
        eta_min_ratio=0.01,
        by_epoch=True,
        convert_to_iter_based=True)
]
