# TEC in the knee study on the smaller problem (--knee-model vit-mini-p4):
# tec_vit-tiny-p4_fmnist-10k.py with the mini ViT as the new model, from a
# base of mae_vit-mini-p4_fmnist-10k_wsd.py.
_base_ = [
    './tec_vit-tiny-p4_fmnist-10k.py', '../_base_/models/vit-mini-p4_fmnist.py'
]
model = dict(backbone=dict(arch={{_base_.mini_arch}}))
