# TEC ViT-B/16 from an MAE base with a matched progressive resolution and
# augmentation schedule: 128 px (8x8 patches) and mild crops for the first
# 100 epochs, 176 px for the next 100, then 224 px with MAE's crops. The
# base's K (15 at 224 px) scales with the patch count (5 at 128 px).
_base_ = ['../tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py', '../_base_/schedules/efficient_training.py']
custom_hooks = {{_base_.progression_vitb_300ep}}
