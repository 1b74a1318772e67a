# TEC for E2 epochs from the E1-epoch MAE base (the demo's TEC config on the
# benchmark's data and schedule). Set the base:
#   python tools/train.py configs/sustainability/tec_vit-tiny-p4_fmnist-30k_e2.py \
#       --cfg-options model.target_generator.checkpoint=work_dirs/sustainability/mae_e1_seed0/epoch_5.pth
_base_ = [
    '../demo/tec_vit-tiny-p4_fmnist.py',
    '../_base_/sustainability_budget.py'
]
train_dataloader = dict(dataset=dict(indices={{_base_.pretrain_images}}))
train_cfg = dict(max_epochs={{_base_.more_epochs}})
param_scheduler = {{_base_.more_schedule}}
