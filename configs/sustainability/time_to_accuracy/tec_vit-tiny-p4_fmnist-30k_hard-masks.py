# The sustainability benchmark's TEC (4 epochs) with hard-mask mining: of 4
# candidate masks, the one hiding the most of the base's CLS attention.
_base_ = ['../tec_vit-tiny-p4_fmnist-30k.py']
model = dict(mask_sampler=dict(type='HardMaskSampler', candidates=4))
