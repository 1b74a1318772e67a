# The sustainability benchmark's TEC (4 epochs) with progressive resolution
# and augmentation: 16 px and mild crops in epoch 1, 20 px in epoch 2, the
# full 28 px and the benchmark's crops in epochs 3-4.
_base_ = ['../tec_vit-tiny-p4_fmnist-30k.py', '../../_base_/schedules/efficient_training.py']
custom_hooks = {{_base_.progression_3ep}}
