# The ADE20K UperNet benchmark config on the Fashion-MNIST scene stand-in:
# the demo's tiny ViT as MMSeg's MAE backbone (blocks 2/3/4/6 of 6 into the
# pyramid), 64 x 64 grey scenes in ADE20K's layout read by MMSeg's
# ADE20KDataset (150 classes; the scenes use 11, see
# tools/benchmarks/tec_bench/fashion_scenes.py), 400 iterations of batch 16
# on CPU, mIoU with MMSeg's IoUMetric. Backbone: the demo's TEC
# model exported by tools/export_backbone.py; random init with
# --cfg-options model.backbone.init_cfg=None.
#   python tools/benchmarks/make_standin_datasets.py data/standin
#   python tools/train.py configs/demo/upernet_vit-tiny-p4_fashion-scenes.py
_base_ = [
    '../benchmarks/upernet_vit-base-p16_tec-pre_8xb2-amp-160k_ade20k-512x512.py',  # noqa: E501
    '../_base_/models/vit-tiny-p4_fmnist.py',
    '../_base_/datasets/fashion_scenes.py',
]
pretrained = 'work_dirs/demo/tec/backbone.pth'
data_root = 'data/standin/ade'
crop_size = (64, 64)
width = 96
data_preprocessor = dict(
    mean={{_base_.grey_mean}},
    std={{_base_.grey_std}},
    bgr_to_rgb=False,
    size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(  # the demo's tiny_arch
        img_size=crop_size,
        patch_size={{_base_.patch_size}},
        in_channels={{_base_.in_channels}},
        embed_dims={{_base_.tiny_arch.embed_dims}},
        num_layers={{_base_.tiny_arch.num_layers}},
        num_heads={{_base_.tiny_arch.num_heads}},
        mlp_ratio=4,
        out_indices=(1, 2, 3, 5),
        drop_path_rate=0.0,
        init_cfg=dict(checkpoint=pretrained)),
    # 4 x 4 patches give a stride-4 map: rescale to strides 2, 4, 8, 16
    # (the benchmark's x4 x2 x1 x0.5 of a stride-16 map would need x8).
    neck=dict(embed_dim=width, rescales=[2, 1, 0.5, 0.25]),
    decode_head=dict(
        in_channels=[width] * 4, channels=64, pool_scales=(1, 2, 4)),
    auxiliary_head=dict(in_channels=width, channels=32),
    test_cfg=dict(crop_size=crop_size, stride=(43, 43)))

train_pipeline = [
    {{_base_.load_grey}},
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    {{_base_.load_grey}},
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs')
]
tta_pipeline = [
    {{_base_.load_grey}},
    dict(
        type='TestTimeAug',
        transforms=[[
            dict(type='Resize', scale_factor=r, keep_ratio=True)
            for r in (1.0, 1.25, 1.5)  # crops of 64 x 64, as the backbone's
        ],
                    [
                        dict(type='RandomFlip', prob=p,
                             direction='horizontal') for p in (0., 1.)
                    ], [dict(type='LoadAnnotations', reduce_zero_label=True)],
                    [dict(type='PackSegInputs')]])
]
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader

max_iters = 400
warmup_iters = 50
# fp32 (the benchmark's AMP needs a GPU; this runs from stock tools too)
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='LayerDecayOptimizerConstructor',
    paramwise_cfg=dict(
        num_layers={{_base_.tiny_arch.num_layers}}, layer_decay_rate=0.65))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
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
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
    visualization=dict(draw=False))
randomness = dict(seed=0)
