# The demo's TEC against two tiny base models at once, named 'mae' and
# 'ibot' (K=4 each; tau 1.8 and 1.0); their widths and depths are read from
# the checkpoints and may differ from each other and from the new model's:
#   python tools/train.py configs/demo/tec_vit-tiny-p4_fmnist_2bases.py \
#       --cfg-options model.target_generator.mae.checkpoint=A.pth \
#       model.target_generator.ibot.checkpoint=B.pth
_base_ = './tec_vit-tiny-p4_fmnist.py'

tiny_base = dict(
    type='PatchRelationTarget',
    checkpoint=None,
    arch=dict(num_heads=4),
    top_k=4)
model = dict(
    head=dict(
        attention_loss=dict(tau=dict(_delete_=True, mae=1.8, ibot=1.0))),
    target_generator=dict(_delete_=True, mae=tiny_base, ibot=tiny_base))
