# The sustainability benchmark's MAE (12 epochs) with the progression and
# the cyclic learning rate together.
_base_ = ['./mae_vit-tiny-p4_fmnist-30k_progressive.py']
param_scheduler = {{_base_.cyclic_lr_3ep}}
