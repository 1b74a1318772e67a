# The demo's TEC step with a matched progressive resolution and augmentation
# schedule (Kocyigit et al., WACV 2023): 16 px (4x4 patches) and mild crops
# in epoch 1, 20 px in epoch 2, the full 28 px and the demo's crops in
# epoch 3. The new model, the base and the decoders follow the grid; K
# scales with the patch count.
_base_ = ['../demo/tec_vit-tiny-p4_fmnist.py', '../_base_/schedules/efficient_training.py']
custom_hooks = {{_base_.progression_3ep}}
