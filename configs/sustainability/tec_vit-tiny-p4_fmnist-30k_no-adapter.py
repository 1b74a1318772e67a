# Ablation: TEC without the conditional adapter: the decoders read the
# encoder's last block, as in MAE.
_base_ = ['./tec_vit-tiny-p4_fmnist-30k.py']
model = dict(neck=dict(_delete_=True, type='LastBlockNeck'))
