# TEC ViT-B/16 against two base models in one run, MAE (K=15, tau=1.8) and
# iBOT (K=9, tau=1.0), one conditional adapter and prediction layers each.
# Every iteration each base makes the targets of its half of every batch
# (see TECAlgorithm). Set both checkpoints:
#   tools/dist_train.sh configs/tec/tec_vit-base-p16_from-mae-ibot_8xb512-amp-coslr-300e_in1k.py 8 --cfg-options \
#       model.target_generator.mae.checkpoint=mae_pretrain_vit_base.pth \
#       model.target_generator.ibot.checkpoint=checkpoint_teacher.pth
_base_ = './tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py'

model = dict(
    head=dict(
        attention_loss=dict(tau=dict(_delete_=True, mae=1.8, ibot=1.0))),
    target_generator=dict(
        _delete_=True,
        mae=dict(type='PatchRelationTarget', checkpoint=None, top_k=15),
        ibot=dict(type='PatchRelationTarget', checkpoint=None, top_k=9)))
