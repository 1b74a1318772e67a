# The demo's TEC co-training its dense encoder and a gated sub-network at
# half the MACs: both passes predict the base's targets, each on its own mask.
_base_ = '../demo/tec_vit-tiny-p4_fmnist.py'
gate_groups = 8
model = dict(
    type='tec_mm.GatedTECAlgorithm',
    target_density=0.5,
    backbone=dict(type='tec_mm.GatedTECViT', gate_groups=gate_groups))
