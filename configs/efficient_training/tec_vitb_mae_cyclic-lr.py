# TEC ViT-B/16 from an MAE base with the extendable cyclic learning rate:
# triangular cycles of 50 epochs (the first half-cycle is the warm-up), so
# a 300-epoch run can be stopped at the end of any cycle or extended by
# more cycles on --resume with a larger train_cfg.max_epochs.
_base_ = ['../tec_vitb_mae.py']
param_scheduler = [
    dict(
        type='ExtendableCyclicLR',
        period=50,
        eta_min_ratio=0.01,
        by_epoch=True,
        convert_to_iter_based=True)
]
