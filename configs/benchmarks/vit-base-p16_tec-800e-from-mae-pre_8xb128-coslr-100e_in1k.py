# Paper row: TEC ViT-B, 800 epochs from MAE ViT-B
# (configs/tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-800e_in1k.py);
# expect 84.8 top-1 (official logs). Fine-tuning as the official run:
# 100 epochs with 20 warm-up epochs, layer decay 0.55.
# Export the pretrained encoder first (without its final norm):
#   python tools/export_backbone.py \
#       work_dirs/tec_vit-base-p16_from-mae_8xb512-amp-coslr-800e_in1k/epoch_800.pth \
#       work_dirs/tec_vit-base-p16_from-mae_8xb512-amp-coslr-800e_in1k/backbone_gp.pth \
#       --global-pool
# then: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = './vit-base-p16_tec-300e-from-mae-pre_8xb128-coslr-100e_in1k.py'

pretrained = 'work_dirs/tec_vit-base-p16_from-mae_8xb512-amp-coslr-800e_in1k/backbone_gp.pth'  # noqa: E501
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.55))
