# TEC ViT-B/16 from an iBOT ViT-B base (K=9, tau=1.0), 300 epochs.
_base_ = './tec_vitb_mae.py'

model = dict(
    head=dict(attention_loss=dict(tau=1.0)),
    target_generator=dict(name='ibot', top_k=9))
