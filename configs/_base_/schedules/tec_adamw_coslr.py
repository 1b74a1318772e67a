# AdamW, lr 1.5e-4 x 4096 / 256, 40 warm-up epochs then cosine to 0 at the
# run's end (per iteration), fp16 AMP; no weight decay on norms, biases, tokens, pos embeds.
optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW', lr=1.5e-4 * 4096 / 256, betas=(0.9, 0.95),
        weight_decay=0.05),
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        custom_keys={
            'pos_embed': dict(decay_mult=0.),
            'mask_token': dict(decay_mult=0.),
            'cls_token': dict(decay_mult=0.)
        }))

max_epochs = 300
warmup_epochs = 40
# The cosine has no `end` and no `T_max`: MMEngine ends it with the run
# (train_cfg.max_epochs), so a longer run is a longer cosine.
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
        eta_min=0.,
        by_epoch=True,
        begin=warmup_epochs,
        convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)

# lr above is for an effective batch of 4096 (8 GPUs x 512).
auto_scale_lr = dict(base_batch_size=4096)
