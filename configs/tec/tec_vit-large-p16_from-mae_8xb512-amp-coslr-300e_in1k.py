# Paper row: TEC ViT-L/16 from the MAE ViT-L base (K=15, tau=1.4), 300
# epochs; expect 86.5 top-1 after fine-tuning with configs/benchmarks/
# vit-large-p16_tec-300e-from-mae-pre_8xb64-accum2-coslr-50e_in1k.py.
# The official ViT-L model: decoders 768 wide (the adapter's MLP hidden
# 4 x 768 = 3072 follows them), 16 heads; the ViT-B run's schedule.
#   tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.target_generator.checkpoint=mae_pretrain_vit_large.pth
_base_ = './tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py'

model = dict(
    backbone=dict(
        arch=dict(
            embed_dims=1024,
            num_layers=24,
            num_heads=16,
            feedforward_channels=4096)),
    head=dict(
        decoder=dict(decoder_embed_dims=768),
        attention_loss=dict(tau=1.4)))
