# The sustainability benchmark's MAE (12 epochs) with progressive resolution
# and augmentation: 16 px and mild crops for epochs 1-4, 20 px for 5-8, the
# full 28 px and the benchmark's crops for 9-12.
_base_ = ['../mae_vit-tiny-p4_fmnist-30k.py', '../../_base_/schedules/efficient_training.py']
model = dict(
    backbone=dict(type='ResizableMAEViT'),
    neck=dict(type='ResizableMAEPretrainDecoder'))
custom_hooks = {{_base_.progression_12ep}}
