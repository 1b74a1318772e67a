# The ImageNet fine-tuning benchmark config on Fashion-MNIST: the demo's tiny
# ViT (global average pooling, layer-wise lr decay, mixup/cutmix, label
# smoothing as in the benchmark), 28 x 28 grey images from Debian's package,
# 2 epochs on 20k training images, top-1 with MMPretrain's Accuracy on the
# 10k test images. RandAugment and random erasing are left out (they expect
# colour images). Backbone: the demo's TEC model exported with
# tools/export_backbone.py --global-pool; random init with
# --cfg-options model.backbone.init_cfg=None.
_base_ = [
    '../_base_/tec_finetune_in1k.py',
    '../_base_/models/vit-tiny-p4_fmnist.py',
    '../_base_/datasets/fashion_scenes.py',
]
pretrained = 'work_dirs/demo/tec/backbone_gp.pth'
num_classes = 10
data_preprocessor = dict(
    num_classes=num_classes,
    mean={{_base_.grey_mean}},
    std={{_base_.grey_std}},
    to_rgb=False)
model = dict(
    backbone=dict(
        arch=dict(  # the demo's tiny_arch, replacing arch='base'
            _delete_=True,
            embed_dims=96,
            num_layers=6,
            num_heads=4,
            feedforward_channels=384),
        img_size={{_base_.img_size}},
        patch_size={{_base_.patch_size}},
        in_channels={{_base_.in_channels}},
        init_cfg=dict(checkpoint=pretrained)),
    head=dict(num_classes=num_classes, in_channels=96))

fmnist = dict(type='tec_mm.LocalFashionMNIST', _delete_=True)
train_dataloader = dict(
    batch_size=128,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        split='train',
        indices=20000,
        pipeline=[
            dict(
                type='RandomResizedCrop',
                scale=28,
                crop_ratio_range=(0.5, 1.0),
                backend='pillow',
                interpolation='bicubic'),
            dict(type='RandomFlip', prob=0.5),
            dict(type='PackInputs')
        ],
        **fmnist))
val_dataloader = dict(
    batch_size=500,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(split='test', pipeline=[dict(type='PackInputs')], **fmnist))
test_dataloader = val_dataloader

max_epochs = 2
# fp32 (the benchmark's AMP needs a GPU; this runs from stock tools too)
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='tec_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg={{_base_.optim_wrapper.paramwise_cfg}})
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - 1,
        by_epoch=True,
        begin=1,
        end=max_epochs,
        eta_min=1e-6,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
default_hooks = dict(
    logger=dict(interval=20), checkpoint=dict(max_keep_ckpts=1))
randomness = dict(seed=0)
