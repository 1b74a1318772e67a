# Paper row: TEC ViT-B/16 from the MAE ViT-B base (K=15, tau=1.8), 800
# epochs; expect 84.8 top-1 after fine-tuning with
# configs/benchmarks/vit-base-p16_tec-800e-from-mae-pre_8xb128-coslr-100e_in1k.py.
# The 300-epoch run's settings with the cosine over 760 epochs after the same
# 40 warm-up epochs.
#   tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.target_generator.checkpoint=mae_pretrain_vit_base.pth
_base_ = './tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py'

max_epochs = 800
warmup_epochs = 40
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-4,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - warmup_epochs,
        eta_min=0.,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=max_epochs)
