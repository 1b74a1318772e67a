# The demo's MAE step (MMPretrain's MAE) with the progressive resolution and
# augmentation schedule of the TEC example: the encoder and decoder types
# whose position embeddings follow the grid, same weights and results at
# 28 px.
_base_ = ['../demo/mae_vit-tiny-p4_fmnist.py', '../_base_/schedules/efficient_training.py']
model = dict(
    backbone=dict(type='ResizableMAEViT'),
    neck=dict(type='ResizableMAEPretrainDecoder'))
custom_hooks = {{_base_.progression_3ep}}
