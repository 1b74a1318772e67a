# The demo's TEC step with four masks per image (data2vec 2.0's multi-mask):
# the base runs once per image, the new model on 4 masked views; 64 images
# per step keep the 256 views of the single-mask step.
_base_ = ['../demo/tec_vit-tiny-p4_fmnist.py']
model = dict(num_masks=4)
train_dataloader = dict(batch_size=64)
