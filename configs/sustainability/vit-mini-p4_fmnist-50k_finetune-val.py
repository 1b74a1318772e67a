# The validation-split fine-tuning (vit-tiny-p4_fmnist-50k_finetune-val.py)
# of a mini ViT encoder: the knee study's curve and recipe choice on the
# smaller problem.
_base_ = [
    './vit-tiny-p4_fmnist-50k_finetune-val.py',
    '../_base_/models/vit-mini-p4_fmnist.py'
]
model = dict(
    backbone=dict(arch={{_base_.mini_arch}}),
    head=dict(in_channels={{_base_.mini_arch.embed_dims}}))
