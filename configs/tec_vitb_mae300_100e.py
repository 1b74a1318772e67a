# TEC ViT-B/16, 100 epochs from an MAE ViT-B base pretrained for 300 epochs
# (K=15, tau=1.8): the paper's "TEC 100 ep on MAE-300ep beats MAE 1600 ep".
_base_ = './tec_vitb_mae.py'

max_epochs = 100
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-4,
        by_epoch=True,
        begin=0,
        end=40,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - 40,
        eta_min=0.,
        by_epoch=True,
        begin=40,
        end=max_epochs,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=max_epochs)
