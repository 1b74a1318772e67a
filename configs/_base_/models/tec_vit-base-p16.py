# TEC ViT-B/16: new model, conditional adapter, decoders and the frozen base.
# The base checkpoint has no default: set model.target_generator.checkpoint.
# The adapter's and decoders' widths, depth, patch count, base names and
# target heads, and the base's image size, follow the backbone and the base
# (TECAlgorithm fills them), so a variant overrides the backbone alone.
# ViT-B written out (MMPretrain's arch 'b') so that smaller or larger
# variants override it key by key.
model = dict(
    type='TECAlgorithm',
    backbone=dict(
        type='TECViT',
        arch=dict(
            embed_dims=768,
            num_layers=12,
            num_heads=12,
            feedforward_channels=3072),
        img_size=224,
        patch_size=16,
        mask_ratio=0.75),
    neck=dict(type='ConditionalAdapter'),
    head=dict(
        type='TECReconstructionHead',
        decoder=dict(
            type='TECDecoder',
            decoder_embed_dims=512,
            depth=2,
            num_heads=16,
            mlp_ratio=4),
        feature_loss=dict(type='PatchNormMSELoss'),
        attention_loss=dict(type='AttentionRelationLoss', tau=1.8)),
    target_generator=dict(
        type='PatchRelationTarget',
        checkpoint=None,
        name='mae',
        last_layers=2,
        top_k=15),
    init_cfg=[
        dict(type='Xavier', layer='Linear', distribution='uniform'),
        dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0)
    ])
