# The knee study's MAE (tools/benchmarks/sustainability.py, stage knee):
# MMPretrain's MAE as in the sustainability benchmark, on the first 10k
# Fashion-MNIST training images, with a warm-up-stable-decay schedule. The
# stable run keeps the learning rate constant after a 3-epoch warm-up (120
# iterations, about the 1-epoch warm-up on 30k images) for as long as it runs,
# and keeps every epoch's checkpoint:
#   python tools/train.py configs/sustainability/mae_vit-tiny-p4_fmnist-10k_wsd.py
# A point of the learning curve at E epochs is a decay branch resumed off
# the stable checkpoint at S = E - round(E / 10), the lr falling linearly to
# 0 at E:
#   python tools/train.py configs/sustainability/mae_vit-tiny-p4_fmnist-10k_wsd.py \
#       --work-dir BRANCH --resume STABLE/epoch_S.pth --cfg-options \
#       param_scheduler.0.decay_begin=S train_cfg.max_epochs=E \
#       default_hooks.checkpoint.max_keep_ckpts=1
_base_ = '../demo/mae_vit-tiny-p4_fmnist.py'
train_dataloader = dict(dataset=dict(indices=10000))
param_scheduler = [
    dict(type='WarmupStableDecayLR', warmup=3, by_epoch=True,
         convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=400)
default_hooks = dict(checkpoint=dict(max_keep_ckpts=-1))
