# The sustainability benchmark's fine-tuning of the gated sub-network: the
# exported backbone (tools/export_backbone.py --global-pool keeps the gates)
# in tec_mm.GatedViT, its gates frozen, closed heads and groups skipped at
# inference.
_base_ = '../sustainability/vit-tiny-p4_fmnist-60k_finetune.py'
model = dict(backbone=dict(type='tec_mm.GatedViT', gate_groups=8))
