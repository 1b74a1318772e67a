# "Train the base longer": the MAE base continued for E2 more epochs (its
# weights, a fresh optimizer and TEC's E2-epoch schedule). Set the base:
#   python tools/train.py configs/sustainability/mae_vit-tiny-p4_fmnist-30k_e1+e2.py \
#       --cfg-options load_from=work_dirs/sustainability/mae_e1_seed0/epoch_5.pth
_base_ = ['./mae_vit-tiny-p4_fmnist-30k_e1.py']
train_cfg = dict(max_epochs={{_base_.more_epochs}})
param_scheduler = {{_base_.more_schedule}}
