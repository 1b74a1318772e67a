# ADE20K semantic segmentation with a TEC ViT-B/16 (paper: 51.0 mIoU; MAE-B
# 48.1, iBOT-B 50.0): UperNet on MMPretrain's VisionTransformer, a feature
# pyramid from blocks 4/6/8/12 (MMSeg's MultiLevelNeck, x4 x2 x1 x0.5),
# 512 x 512 crops, AdamW lr 1e-4 wd 0.05, layer-wise lr decay 0.65,
# drop path 0.1, 1500 warm-up + poly decay over 160k iterations, batch 16
# (8 x 2), fp16 AMP. mIoU single-scale (sliding window); multi-scale with
# `python tools/test.py THIS_CONFIG CKPT --tta`.
# Export the pretrained encoder first:
#   python tools/export_backbone.py WORK_DIR/epoch_N.pth WORK_DIR/backbone.pth
# then give it (the config has no default, so that no other run's encoder
# is taken by mistake):
#   bash tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=WORK_DIR/backbone.pth
_base_ = [
    'mmseg::_base_/models/upernet_vit-b16_ln_mln.py',
    'mmseg::_base_/datasets/ade20k.py', 'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_160k.py'
]
custom_imports = dict(
    imports=['mmpretrain.models', 'tec_mm'], allow_failed_imports=False)

pretrained = None
crop_size = (512, 512)
embed_dims = 768
num_classes = 150
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=dict(
        _delete_=True,
        type='mmpretrain.VisionTransformer',
        arch='base',
        img_size=crop_size[0],
        patch_size=16,
        out_indices=(3, 5, 7, 11),
        drop_path_rate=0.1,
        out_type='featmap',
        final_norm=True,
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    neck=dict(in_channels=[embed_dims] * 4, out_channels=embed_dims),
    decode_head=dict(
        in_channels=[embed_dims] * 4,
        channels=embed_dims,
        num_classes=num_classes),
    auxiliary_head=dict(
        in_channels=embed_dims, in_index=2, num_classes=num_classes),
    test_cfg=dict(mode='slide', crop_size=crop_size, stride=(341, 341)))

train_dataloader = dict(batch_size=2)
max_iters = 160000
warmup_iters = 1500
optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='tec_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.65,
        flat_decay_mult=0.0,
        custom_keys={
            '.cls_token': dict(decay_mult=0.0),
            '.pos_embed': dict(decay_mult=0.0)
        }))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-6,
        by_epoch=False,
        begin=0,
        end=warmup_iters),
    dict(
        type='PolyLR',
        power=1.0,
        eta_min=0.0,
        by_epoch=False,
        begin=warmup_iters,
        end=max_iters)
]
train_cfg = dict(max_iters=max_iters)
auto_scale_lr = dict(enable=False, base_batch_size=16)
