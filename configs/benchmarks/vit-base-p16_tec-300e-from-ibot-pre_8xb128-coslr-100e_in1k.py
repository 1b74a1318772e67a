# Paper row: TEC ViT-B, 300 epochs from iBOT ViT-B
# (configs/tec/tec_vit-base-p16_from-ibot_8xb512-amp-coslr-300e_in1k.py);
# expect 84.8 top-1 (official logs). Fine-tuning as the official run:
# 100 epochs, 5 warm-up, layer decay 0.50.
# Export the pretrained encoder first (without its final norm):
#   python tools/export_backbone.py \
#       work_dirs/tec_vit-base-p16_from-ibot_8xb512-amp-coslr-300e_in1k/epoch_300.pth \
#       work_dirs/tec_vit-base-p16_from-ibot_8xb512-amp-coslr-300e_in1k/backbone_gp.pth \
#       --global-pool
# then: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = '../_base_/tec_finetune_in1k.py'

pretrained = 'work_dirs/tec_vit-base-p16_from-ibot_8xb512-amp-coslr-300e_in1k/backbone_gp.pth'  # noqa: E501
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.50))
