# Linear probing of a TEC ViT-B/16 on ImageNet: MMPretrain's MAE protocol
# (frozen encoder, CLS token after the final norm, BatchNorm without affine,
# LARS lr 6.4 for batch 16384 = 8 x 2048, 10 warm-up + 80 cosine epochs).
# Export the pretrained encoder first (CLS MLP folded, final norm kept):
#   python tools/export_backbone.py WORK_DIR/epoch_N.pth WORK_DIR/backbone.pth
# then give it (the config has no default, so that no other run's encoder
# is taken by mistake):
#   bash tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=WORK_DIR/backbone.pth
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py'  # noqa: E501
custom_imports = dict(imports=['tec_mm'], allow_failed_imports=False)

pretrained = None
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
auto_scale_lr = dict(base_batch_size=16384)
