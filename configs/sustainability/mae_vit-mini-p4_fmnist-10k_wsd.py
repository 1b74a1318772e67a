# The knee study on a smaller problem (tools/benchmarks/sustainability.py
# --knee-model vit-mini-p4): the 10k-image warm-up-stable-decay MAE of
# mae_vit-tiny-p4_fmnist-10k_wsd.py with the mini ViT as its encoder (the
# decoder as the tiny one's). Stable run and decay branches as there:
#   python tools/train.py configs/sustainability/mae_vit-mini-p4_fmnist-10k_wsd.py
_base_ = [
    './mae_vit-tiny-p4_fmnist-10k_wsd.py',
    '../_base_/models/vit-mini-p4_fmnist.py'
]
model = dict(
    backbone=dict(arch={{_base_.mini_arch}}),
    neck=dict(embed_dim={{_base_.mini_arch.embed_dims}}))
