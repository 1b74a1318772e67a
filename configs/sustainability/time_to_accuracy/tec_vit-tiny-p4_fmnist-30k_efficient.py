# The sustainability benchmark's TEC (4 epochs) with every part: the
# progression, the cyclic learning rate (2-epoch cycles), hard-mask mining
# and 2 masked views per image.
_base_ = ['./tec_vit-tiny-p4_fmnist-30k_progressive.py']
model = dict(
    num_masks=2, mask_sampler=dict(type='HardMaskSampler', candidates=4))
train_dataloader = dict(batch_size=128)
param_scheduler = {{_base_.cyclic_lr_2ep}}
