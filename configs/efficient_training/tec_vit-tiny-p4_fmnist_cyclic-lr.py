# The demo's TEC step with an extendable cyclic learning rate (Kocyigit et
# al., WACV 2023): triangular cycles of one epoch from lr/100 up to lr and
# back, so the run can be extended by raising train_cfg.max_epochs (also on
# --resume) and goes on with more cycles.
_base_ = ['../demo/tec_vit-tiny-p4_fmnist.py', '../_base_/schedules/efficient_training.py']
param_scheduler = {{_base_.cyclic_lr_1ep}}
