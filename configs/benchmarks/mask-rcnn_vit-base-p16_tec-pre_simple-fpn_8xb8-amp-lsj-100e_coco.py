# COCO instance segmentation with a TEC ViT-B/16 (paper: 54.6 box AP) by
# MMDet's ViTDet recipe (projects/ViTDet/configs/
# vitdet_mask-rcnn_vit-b-mae_lsj-100e.py) on the package's LSJ-100e strong
# baseline: ViTDet's backbone (windows of 14 x 14 patches, global attention
# in blocks 3/6/9/12, decomposed relative positions; tec_mm.ViTDetBackbone,
# which MMDet ships only in its projects/), the simple feature pyramid from
# the last block (x4 x2 x1 x0.5, plus P6) and LayerNorm in the pyramid and
# the RoI heads, 2-conv RPN, 4conv1fc box head, large-scale jitter at
# 1024 x 1024 for 100 epochs, 1024 x 1024 test, AdamW lr 1e-4 wd 0.1 (none on
# the blocks' norms and the position embedding), layer-wise lr decay 0.7,
# drop path 0.1, batch 64 (8 x 8), fp16 AMP. LayerNorm eps 1e-6 in the
# backbone, as the encoder was pretrained. COCO bbox and segm mAP on
# val2017.
# Export the pretrained encoder first:
#   python tools/export_backbone.py WORK_DIR/epoch_N.pth WORK_DIR/backbone.pth
# then give it (the config has no default, so that no other run's encoder
# is taken by mistake):
#   bash tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=WORK_DIR/backbone.pth
_base_ = 'mmdet::strong_baselines/mask-rcnn_r50_fpn_rpn-2conv_4conv1fc_syncbn-all_lsj-100e_coco.py'  # noqa: E501
custom_imports = dict(
    imports=['mmpretrain.models', 'tec_mm'], allow_failed_imports=False)

pretrained = None
image_size = (1024, 1024)
embed_dims = 768
head_norm_cfg = dict(type='mmpretrain.LN2d', requires_grad=True)
model = dict(
    backbone=dict(
        _delete_=True,
        type='tec_mm.ViTDetBackbone',
        arch=dict(
            embed_dims=embed_dims,
            num_layers=12,
            num_heads=12,
            feedforward_channels=3072,
            global_attn_indexes=[2, 5, 8, 11]),
        img_size=image_size[0],
        patch_size=16,
        window_size=14,
        use_rel_pos=True,
        drop_path_rate=0.1,
        norm_cfg=dict(type='LN', eps=1e-6),
        init_cfg=dict(type='Pretrained', checkpoint=pretrained)),
    neck=dict(
        _delete_=True,
        type='tec_mm.SimpleFeaturePyramid',
        in_channels=embed_dims,
        out_channels=256,
        scale_factors=(4, 2, 1, 0.5),
        num_outs=5),
    roi_head=dict(
        bbox_head=dict(norm_cfg=head_norm_cfg),
        mask_head=dict(norm_cfg=head_norm_cfg)))

test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='Pad', size=image_size, pad_val=dict(img=(114, 114, 114))),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
train_dataloader = dict(batch_size=8, num_workers=8)
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.1),
    constructor='tec_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.7,
        custom_keys={
            '.ln1.': dict(decay_mult=0.0),
            '.ln2.': dict(decay_mult=0.0),
            '.pos_embed': dict(decay_mult=0.0)
        }))
auto_scale_lr = dict(base_batch_size=64)
