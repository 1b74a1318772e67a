# COCO instance segmentation with a TEC ViT-B/16 (paper: 54.6 box AP):
# Mask R-CNN in ViTDet's style on MMPretrain's VisionTransformer: a simple
# feature pyramid from the last block (x4 x2 x1 x0.5, plus P6), 2-conv RPN,
# 4conv1fc box head, large-scale jitter at 1024 x 1024 for 100 epochs
# (MMDet's strong-baseline recipe), AdamW lr 1e-4 wd 0.1, layer-wise lr decay
# 0.7 and drop path 0.1 as ViTDet's ViT-B, batch 64 (8 x 8), fp16 AMP.
# Global attention in every block (ViTDet windows most of them).
# COCO bbox and segm mAP on val2017.
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
# torch's SyncBN in the heads (MMDet's MMSyncBN cannot be built outside a
# process group; torch's handles empty batches since 1.9). Single-process
# runs revert it to BatchNorm.
head_norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.VisionTransformer',
        arch='base',
        img_size=image_size[0],
        patch_size=16,
        out_indices=(11, ),
        drop_path_rate=0.1,
        out_type='featmap',
        final_norm=True,
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
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

train_dataloader = dict(batch_size=8, num_workers=8)
optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.1),
    constructor='tec_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.7,
        flat_decay_mult=0.0,
        custom_keys={
            '.cls_token': dict(decay_mult=0.0),
            '.pos_embed': dict(decay_mult=0.0)
        }))
auto_scale_lr = dict(base_batch_size=64)
