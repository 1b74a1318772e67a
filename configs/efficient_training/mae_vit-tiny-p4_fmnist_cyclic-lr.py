# The demo's MAE step (MMPretrain's MAE) with the extendable cyclic learning
# rate: one-epoch triangular cycles from lr/100 up to lr and back.
_base_ = ['../demo/mae_vit-tiny-p4_fmnist.py', '../_base_/schedules/efficient_training.py']
param_scheduler = {{_base_.cyclic_lr_1ep}}
