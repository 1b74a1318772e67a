# The demo's TEC (patch 4, 7x7 tokens at 28 px) from a base of another patch
# size, read from its checkpoint (e.g. patch 7: 4x4 tokens): the base's
# feature and attention targets are resampled to the new model's grid
# (tec_mm/tec/grid_resampling.py).
#   python tools/train.py configs/demo/tec_vit-tiny-p4_fmnist_other-patch-base.py \
#       --cfg-options model.target_generator.checkpoint=BASE.pth
_base_ = './tec_vit-tiny-p4_fmnist.py'
model = dict(target_generator=dict(patch_size=None, top_k=2))
