# MMPretrain's MAE on the sustainability benchmark's data and schedule: the
# base (E1 epochs) and the "train longer" arms, which continue a base with
#   --cfg-options load_from=BASE_CHECKPOINT
# tools/benchmarks/sustainability.py sets the epochs of each arm.
_base_ = [
    '../demo/mae_vit-tiny-p4_fmnist.py',
    '../_base_/sustainability_budget.py'
]
train_dataloader = dict(dataset=dict(indices={{_base_.pretrain_images}}))
train_cfg = dict(max_epochs={{_base_.base_epochs}})
param_scheduler = {{_base_.base_schedule}}
