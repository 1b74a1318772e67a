# TEC ViT-B/16 from an MAE base with the extendable cyclic learning rate:
# triangular cycles of 50 epochs (the first half-cycle is the warm-up), so
# a 300-epoch run can be stopped at the end of any cycle or extended by
# more cycles on --resume with a larger train_cfg.max_epochs.
_base_ = ['../tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py', '../_base_/schedules/efficient_training.py']
param_scheduler = {{_base_.cyclic_lr_50ep}}
