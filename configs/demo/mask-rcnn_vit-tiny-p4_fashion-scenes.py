# The COCO Mask R-CNN benchmark config on the Fashion-MNIST scene stand-in:
# the demo's tiny ViT as ViTDet's backbone (4 x 4-patch windows, global
# attention in blocks 3 and 6) and the simple feature pyramid from its last
# block,
# 64 x 64 grey scenes in COCO's layout read by MMDet's CocoDataset (the 10
# Fashion-MNIST classes), 400 iterations of
# batch 8 on CPU, COCO bbox and segm mAP with MMDet's
# CocoMetric. Backbone: the demo's TEC model exported by
# tools/export_backbone.py; random init with
# --cfg-options model.backbone.init_cfg=None.
#   python tools/benchmarks/make_standin_datasets.py data/standin
#   python tools/train.py configs/demo/mask-rcnn_vit-tiny-p4_fashion-scenes.py
_base_ = [
    '../benchmarks/mask-rcnn_vit-base-p16_tec-pre_simple-fpn_8xb8-amp-lsj-100e_coco.py',  # noqa: E501
    '../_base_/models/vit-tiny-p4_fmnist.py',
    '../_base_/datasets/fashion_scenes.py',
]
pretrained = 'work_dirs/demo/tec/backbone.pth'
data_root = 'data/standin/coco/'
classes = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal',
           'Shirt', 'Sneaker', 'Bag', 'Ankle boot')
width = 96
channels = 64
model = dict(
    data_preprocessor=dict(
        mean={{_base_.grey_mean}},
        std={{_base_.grey_std}},
        bgr_to_rgb=False,
        batch_augments=None),
    backbone=dict(
        arch=dict(  # the demo's tiny_arch, global attention in blocks 3/6
            _delete_=True,
            embed_dims={{_base_.tiny_arch.embed_dims}},
            num_layers={{_base_.tiny_arch.num_layers}},
            num_heads={{_base_.tiny_arch.num_heads}},
            feedforward_channels={{_base_.tiny_arch.feedforward_channels}},
            global_attn_indexes=[2, 5]),
        img_size=64,
        patch_size={{_base_.patch_size}},
        in_channels={{_base_.in_channels}},
        window_size=4,  # 16 windows of the 16 x 16 grid
        drop_path_rate=0.0,
        init_cfg=dict(checkpoint=pretrained)),
    # 4 x 4 patches give a stride-4 map: rescale to strides 4, 8, 16, 32
    # as the benchmark's x4 x2 x1 x0.5 does for 16 x 16 patches.
    neck=dict(
        in_channels=width,
        out_channels=channels,
        scale_factors=(1, 0.5, 0.25, 0.125)),
    rpn_head=dict(in_channels=channels, feat_channels=channels),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=channels),
        bbox_head=dict(
            in_channels=channels,
            conv_out_channels=channels,
            fc_out_channels=256,
            num_classes=len(classes)),
        mask_roi_extractor=dict(out_channels=channels),
        mask_head=dict(
            in_channels=channels,
            conv_out_channels=channels,
            num_classes=len(classes))),
    train_cfg=dict(rcnn=dict(sampler=dict(num=128))))

train_pipeline = [
    {{_base_.load_grey}},
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    {{_base_.load_grey}},
    dict(type='Resize', scale=(64, 64), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
scenes = dict(
    type='CocoDataset',
    data_root=data_root,
    metainfo=dict(classes=classes),
    filter_cfg=dict(filter_empty_gt=True, min_size=0))
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        ann_file='annotations/instances_train2017.json',
        data_prefix=dict(img='train2017/'),
        pipeline=train_pipeline,
        **scenes))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, metainfo=dict(classes=classes),
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val2017.json')
test_evaluator = val_evaluator

max_iters = 400
warmup_iters = 50
# fp32 (the benchmark's AMP needs a GPU; this runs from stock tools too)
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.1),
    constructor='tec_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg={{_base_.optim_wrapper.paramwise_cfg}})
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=False,
        begin=0,
        end=warmup_iters),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=max_iters,
        milestones=[int(max_iters * 0.89), int(max_iters * 0.96)],
        gamma=0.1)
]
train_cfg = dict(
    _delete_=True,
    type='IterBasedTrainLoop',
    max_iters=max_iters,
    val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(by_epoch=False, interval=max_iters, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
