# Short schedule of the CPU demo: TEC's schedule with lr 1.5e-3 for batch 256,
# 1 warm-up epoch, 3 epochs.
_base_ = './tec_adamw_coslr.py'
optim_wrapper = dict(optimizer=dict(lr=1.5e-3))
max_epochs = 3
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - 1,
        eta_min=0.,
        by_epoch=True,
        begin=1,
        end=max_epochs,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=max_epochs)
