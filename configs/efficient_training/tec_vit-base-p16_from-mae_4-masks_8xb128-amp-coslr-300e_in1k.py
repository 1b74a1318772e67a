# TEC ViT-B/16 from an MAE base with four masks per image: the base's
# forward is shared by 4 masked views (per view about MAE's cost, see
# docs/benchmarks.md); 128 images x 4 views per GPU keep 512 views per GPU.
_base_ = ['../tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py']
model = dict(num_masks=4)
train_dataloader = dict(batch_size=128)
