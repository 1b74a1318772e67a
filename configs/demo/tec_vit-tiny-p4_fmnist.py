# Step 2 of the demo: TEC from the step-1 MAE base (K=4 of 49 patches,
# tau=1.8). tools/demo.py sets the base checkpoint; by hand:
#   python tools/train.py configs/demo/tec_vit-tiny-p4_fmnist.py \
#       --cfg-options model.target_generator.checkpoint=work_dirs/demo/mae/epoch_3.pth
_base_ = [
    '../_base_/models/vit-tiny-p4_fmnist.py',
    '../_base_/datasets/fmnist_bs256_pretrain.py',
    '../_base_/schedules/demo_adamw_coslr.py',
    '../_base_/demo_runtime.py',
]
base_names = ('mae', )
model = dict(
    type='TECAlgorithm',
    backbone=dict(
        type='TECViT',
        arch={{_base_.arch}},
        img_size={{_base_.img_size}},
        patch_size={{_base_.patch_size}},
        in_channels={{_base_.in_channels}},
        mask_ratio=0.75),
    neck=dict(
        type='ConditionalAdapter',
        embed_dims=96,
        num_layers=6,
        decoder_embed_dims={{_base_.decoder_embed_dims}},
        base_names=base_names),
    head=dict(
        type='TECReconstructionHead',
        decoder=dict(
            num_patches={{_base_.num_patches}},
            embed_dims=96,
            decoder_embed_dims={{_base_.decoder_embed_dims}},
            depth=2,
            num_heads=4,
            target_heads=4,
            base_names=base_names),
        feature_loss=dict(type='PatchNormMSELoss'),
        attention_loss=dict(type='AttentionRelationLoss', tau=1.8)),
    target_generator=dict(
        type='PatchRelationTarget',
        checkpoint=None,
        name='mae',
        arch={{_base_.arch}},
        img_size={{_base_.img_size}},
        patch_size={{_base_.patch_size}},
        in_channels={{_base_.in_channels}},
        last_layers=2,
        top_k=4),
    init_cfg=[
        dict(type='Xavier', layer='Linear', distribution='uniform'),
        dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0)
    ])
