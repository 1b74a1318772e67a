# Ablation: the feature target normalised per patch over its channels
# instead of along the patch dimension.
_base_ = ['./tec_vit-tiny-p4_fmnist-30k.py']
model = dict(head=dict(feature_loss=dict(norm_dim='channel')))
