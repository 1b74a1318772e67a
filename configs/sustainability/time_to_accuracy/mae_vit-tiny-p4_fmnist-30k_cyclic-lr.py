# The sustainability benchmark's MAE (E1 = 12 epochs) with the extendable
# cyclic learning rate: triangular cycles of 3 epochs, 4 low points.
_base_ = ['../mae_vit-tiny-p4_fmnist-30k.py', '../../_base_/schedules/efficient_training.py']
param_scheduler = {{_base_.cyclic_lr_3ep}}
