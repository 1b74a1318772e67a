# TEC ViT-L/16 from an MAE ViT-L base (K=15, tau=1.4), 300 epochs.
_base_ = './tec_vitb_mae.py'

model = dict(
    backbone=dict(
        arch=dict(
            embed_dims=1024,
            num_layers=24,
            num_heads=16,
            feedforward_channels=4096)),
    head=dict(attention_loss=dict(tau=1.4)))
