# Step 1 of the demo: a small MAE base, trained with MMPretrain's own MAE.
_base_ = [
    '../_base_/models/vit-tiny-p4_fmnist.py',
    '../_base_/datasets/fmnist_bs256_pretrain.py',
    '../_base_/schedules/demo_adamw_coslr.py',
    '../_base_/demo_runtime.py',
]
model = dict(
    type='MAE',
    backbone=dict(
        type='MAEViT',
        arch={{_base_.tiny_arch}},
        img_size={{_base_.img_size}},
        patch_size={{_base_.patch_size}},
        patch_cfg=dict(in_channels={{_base_.in_channels}}),
        mask_ratio=0.75),
    neck=dict(
        type='MAEPretrainDecoder',
        num_patches={{_base_.num_patches}},
        patch_size={{_base_.patch_size}},
        in_chans={{_base_.in_channels}},
        embed_dim=96,
        decoder_embed_dim={{_base_.decoder_embed_dims}},
        decoder_depth=2,
        decoder_num_heads=4),
    head=dict(
        type='MAEPretrainHead',
        norm_pix=True,
        patch_size={{_base_.patch_size}},
        in_channels={{_base_.in_channels}},
        loss=dict(type='PixelReconstructionLoss', criterion='L2')),
    init_cfg=[
        dict(type='Xavier', layer='Linear', distribution='uniform'),
        dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0)
    ])
