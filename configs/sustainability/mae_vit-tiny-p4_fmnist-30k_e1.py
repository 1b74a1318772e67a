# The MAE base of the sustainability benchmark: MMPretrain's MAE, E1 epochs.
_base_ = [
    '../demo/mae_vit-tiny-p4_fmnist.py',
    '../_base_/sustainability_budget.py'
]
train_dataloader = dict(dataset=dict(indices={{_base_.pretrain_images}}))
train_cfg = dict(max_epochs={{_base_.base_epochs}})
param_scheduler = {{_base_.base_schedule}}
