# The sustainability benchmark's TEC (E2 = 4 epochs from the 12-epoch base)
# with the extendable cyclic learning rate: triangular cycles of 2 epochs.
_base_ = ['../tec_vit-tiny-p4_fmnist-30k.py', '../../_base_/schedules/efficient_training.py']
param_scheduler = {{_base_.cyclic_lr_2ep}}
