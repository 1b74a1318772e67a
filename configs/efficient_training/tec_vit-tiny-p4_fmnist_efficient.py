# The demo's TEC step with every efficient-training part: progressive
# resolution and augmentation, the extendable cyclic learning rate,
# hard-mask mining (4 candidates) and 2 masked views per image (128 images
# per step).
_base_ = ['./tec_vit-tiny-p4_fmnist_progressive.py']
model = dict(
    num_masks=2, mask_sampler=dict(type='HardMaskSampler', candidates=4))
train_dataloader = dict(batch_size=128)
param_scheduler = {{_base_.cyclic_lr_1ep}}
