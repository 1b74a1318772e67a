# The sustainability benchmark's TEC (4 epochs) with 2 masked views per
# image: 128 images per step keep the 256 views of a step.
_base_ = ['../tec_vit-tiny-p4_fmnist-30k.py']
model = dict(num_masks=2)
train_dataloader = dict(batch_size=128)
