# TEC ViT-B/16 from an MAE base with hard-mask mining: of 4 candidate masks
# per image, the one hiding the most of the base's CLS attention.
_base_ = ['../tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py']
model = dict(mask_sampler=dict(type='HardMaskSampler', candidates=4))
