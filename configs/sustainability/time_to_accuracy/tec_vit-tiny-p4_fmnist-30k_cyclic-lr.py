# The sustainability benchmark's TEC (E2 = 4 epochs from the 12-epoch base)
# with the extendable cyclic learning rate: triangular cycles of 2 epochs.
_base_ = ['../tec_vit-tiny-p4_fmnist-30k.py']
param_scheduler = [
    dict(
        type='ExtendableCyclicLR',
        period=2,
        eta_min_ratio=0.01,
        by_epoch=True,
        convert_to_iter_based=True)
]
