# The sustainability benchmark's MAE (30k images, its schedule) co-training a
# gated sub-network at half the MACs; tools/benchmarks/gated_subnetworks.py
# sets the epochs and model.target_density of each run.
_base_ = '../sustainability/mae_vit-tiny-p4_fmnist-30k.py'
model = dict(
    type='tec_mm.GatedMAE',
    target_density=0.5,
    backbone=dict(type='tec_mm.GatedMAEViT', gate_groups=8))
