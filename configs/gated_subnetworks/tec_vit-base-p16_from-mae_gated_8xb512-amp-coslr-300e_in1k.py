# ViT-B/16 TEC from an MAE base, co-training a gated sub-network at half the
# MACs (12 heads and 8 groups of 384 MLP channels gated in every block).
_base_ = '../tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py'
model = dict(
    type='tec_mm.GatedTECAlgorithm',
    target_density=0.5,
    backbone=dict(type='tec_mm.GatedTECViT', gate_groups=8))
