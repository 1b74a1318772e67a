# Ablation: TEC without the attention target (feature target only).
_base_ = ['./tec_vit-tiny-p4_fmnist-30k.py']
model = dict(
    head=dict(attention_loss=None),
    target_generator=dict(with_attention=False))
