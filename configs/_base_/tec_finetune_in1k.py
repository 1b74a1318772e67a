# ImageNet fine-tuning of a TEC encoder (docs/downstream.md): MMPretrain's
# MAE ViT-B recipe, which the official TEC fine-tuning follows: global
# average pooling, drop path 0.1, RandAug m9, mixup 0.8, cutmix 1.0, label
# smoothing 0.1, random erasing 0.25, AdamW lr 2e-3 (5e-4 x 1024 / 256)
# wd 0.05 for batch 1024 (8 x 128), 5 warm-up + 95 cosine epochs to 1e-6,
# layer-wise lr decay 0.65, fp16 AMP. The configs of the paper's rows
# (configs/benchmarks/vit-*_tec-*-pre_*) set the warm-up, the decay rate and
# the exported encoder of their row; the encoder has no default here.
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py'
custom_imports = dict(imports=['tec_mm'], allow_failed_imports=False)

optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    constructor='tec_mm.LayerDecayOptimWrapperConstructor')
auto_scale_lr = dict(base_batch_size=1024)
