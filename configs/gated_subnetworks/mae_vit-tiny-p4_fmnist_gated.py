# The demo's MAE co-training its dense encoder and a gated sub-network at
# half the MACs (Krishna et al., BMVC 2023): two passes per step, the gated
# one held to the budget by loss_budget and loss_density.
_base_ = '../demo/mae_vit-tiny-p4_fmnist.py'
gate_groups = 8  # MLP channel groups per block: 384 hidden -> 48 each
model = dict(
    type='tec_mm.GatedMAE',
    target_density=0.5,
    budget_weight=5.,
    density_weight=1.,
    anneal_rate=0.02,
    backbone=dict(type='tec_mm.GatedMAEViT', gate_groups=gate_groups))
