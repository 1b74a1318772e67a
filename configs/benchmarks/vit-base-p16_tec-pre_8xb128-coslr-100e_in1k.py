# ImageNet fine-tuning of a TEC ViT-B/16 (docs/method.md): MMPretrain's MAE
# recipe, which is TEC's: global average pooling, layer-wise lr decay 0.65,
# drop path 0.1, RandAug m9, mixup 0.8, cutmix 1.0, label smoothing 0.1,
# random erasing 0.25, AdamW lr 2e-3 wd 0.05 for batch 1024 (8 x 128),
# 5 warm-up + 95 cosine epochs, fp16 AMP.
# Export the pretrained encoder first (without its final norm):
#   python tools/export_backbone.py work_dirs/tec_vitb_mae/epoch_300.pth \
#       work_dirs/tec_vitb_mae/backbone_gp.pth --global-pool
# then: bash tools/dist_train.sh THIS_CONFIG 8
# Other decay rates of the paper: 0.55 after 800 epochs, 0.50-0.55 for
# iBOT bases (--cfg-options optim_wrapper.paramwise_cfg.layer_decay_rate=0.55).
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py'
custom_imports = dict(imports=['tec_mm'], allow_failed_imports=False)

pretrained = 'work_dirs/tec_vitb_mae/backbone_gp.pth'
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    constructor='tec_mm.LayerDecayOptimWrapperConstructor')
auto_scale_lr = dict(base_batch_size=1024)
