# The demo's TEC step with hard-mask mining: of 4 candidate masks per image,
# train on the one that hides the most of the base's CLS attention (see
# tec_mm/efficient_training/hard_masks.py for how Kocyigit et al.'s hard
# positives map onto masked modelling).
_base_ = ['../demo/tec_vit-tiny-p4_fmnist.py']
model = dict(mask_sampler=dict(type='HardMaskSampler', candidates=4))
