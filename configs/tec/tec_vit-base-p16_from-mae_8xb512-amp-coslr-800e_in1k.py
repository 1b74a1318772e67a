# Paper row: TEC ViT-B/16 from the MAE ViT-B base (K=15, tau=1.8), 800
# epochs; expect 84.8 top-1 after fine-tuning with
# configs/benchmarks/vit-base-p16_tec-800e-from-mae-pre_8xb128-coslr-100e_in1k.py.
# The 300-epoch run's settings: the same 40 warm-up epochs, the cosine
# over the remaining 760.
#   tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.target_generator.checkpoint=mae_pretrain_vit_base.pth
_base_ = './tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py'

train_cfg = dict(max_epochs=800)  # the cosine ends with the run
