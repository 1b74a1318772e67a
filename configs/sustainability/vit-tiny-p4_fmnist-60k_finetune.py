# The sustainability benchmark's measure: end-to-end fine-tuning of an
# exported encoder (tools/export_backbone.py --global-pool) on all 60k
# Fashion-MNIST training images, top-1 on the 10k test images after each
# epoch. One recipe for every arm: the MAE/TEC fine-tuning recipe (global
# pooling, layer-wise lr decay 0.65, drop path 0.1, label smoothing 0.1,
# AdamW) without mixup and cutmix, which two epochs are too short for.
#   python tools/train.py configs/sustainability/vit-tiny-p4_fmnist-60k_finetune.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=BACKBONE_GP
_base_ = '../demo/vit-tiny-p4_fmnist_finetune.py'
max_epochs = 2
warmup_epochs = 0.5
model = dict(train_cfg=None)  # no mixup / cutmix
train_dataloader = dict(batch_size=256, dataset=dict(indices=None))
optim_wrapper = dict(optimizer=dict(lr=2e-3))
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - warmup_epochs,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        eta_min=1e-6,
        convert_to_iter_based=True)
]
