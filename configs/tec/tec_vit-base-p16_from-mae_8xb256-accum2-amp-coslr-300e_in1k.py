# Paper row: TEC ViT-B/16 from the MAE ViT-B base, 300 epochs, as the
# official run batches it: 8 GPUs x 256 images x 2 accumulation steps = 4096
# per update (the lr and schedule of ..._8xb512-amp-coslr-300e_in1k.py; the
# schedule is in epochs, whatever the steps per epoch). Half the activation
# memory of 512 per GPU (docs/pretraining.md, "Memory"); expect 84.7 top-1
# as that config.
#   tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.target_generator.checkpoint=mae_pretrain_vit_base.pth
_base_ = './tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py'

train_dataloader = dict(batch_size=256)
optim_wrapper = dict(accumulative_counts=2)
# MMEngine scales the lr by GPUs x batch_size / base_batch_size, which leaves
# out accumulation: 8 x 256 steps of 2 make the 4096 the lr is written for.
auto_scale_lr = dict(base_batch_size=2048)
