# Step 2 of the demo: TEC from the step-1 MAE base, the ViT-B model config
# scaled down to the tiny ViT (K=4 of 49 patches, tau=1.8).
# tools/benchmarks/demo.py sets the base checkpoint; by hand:
#   python tools/train.py configs/demo/tec_vit-tiny-p4_fmnist.py \
#       --cfg-options model.target_generator.checkpoint=work_dirs/demo/mae/epoch_3.pth
_base_ = [
    '../_base_/models/tec_vit-base-p16.py',
    '../_base_/models/vit-tiny-p4_fmnist.py',
    '../_base_/datasets/fmnist_bs256_pretrain.py',
    '../_base_/schedules/demo_adamw_coslr.py',
    '../_base_/demo_runtime.py',
]
model = dict(
    backbone=dict(
        arch={{_base_.tiny_arch}},
        img_size={{_base_.img_size}},
        patch_size={{_base_.patch_size}},
        in_channels={{_base_.in_channels}}),
    head=dict(
        decoder=dict(
            decoder_embed_dims={{_base_.decoder_embed_dims}}, num_heads=4)),
    # the weights do not record the head count of a non-standard width
    target_generator=dict(arch=dict(num_heads=4), top_k=4))
