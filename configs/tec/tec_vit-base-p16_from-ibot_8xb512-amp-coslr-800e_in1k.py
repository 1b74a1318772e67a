# Paper row: TEC ViT-B/16 from the iBOT ViT-B base (K=9, tau=1.0), 800
# epochs; expect 85.1 top-1 after fine-tuning with
# configs/benchmarks/vit-base-p16_tec-800e-from-ibot-pre_8xb128-coslr-100e_in1k.py.
#   tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.target_generator.checkpoint=checkpoint_teacher.pth
_base_ = './tec_vit-base-p16_from-mae_8xb512-amp-coslr-800e_in1k.py'

model = dict(
    head=dict(attention_loss=dict(tau=1.0)),
    target_generator=dict(name='ibot', top_k=9))
