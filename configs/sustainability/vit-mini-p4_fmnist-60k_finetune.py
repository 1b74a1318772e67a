# The sustainability benchmark's fine-tuning (vit-tiny-p4_fmnist-60k_finetune.py)
# of a mini ViT encoder: the knee study's arms on the smaller problem.
_base_ = [
    './vit-tiny-p4_fmnist-60k_finetune.py',
    '../_base_/models/vit-mini-p4_fmnist.py'
]
model = dict(
    backbone=dict(arch={{_base_.mini_arch}}),
    head=dict(in_channels={{_base_.mini_arch.embed_dims}}))
