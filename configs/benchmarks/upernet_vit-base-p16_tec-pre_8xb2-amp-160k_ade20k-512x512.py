# ADE20K semantic segmentation with a TEC ViT-B/16 (paper: 51.0 mIoU; MAE-B
# 48.1, iBOT-B 50.0) by MMSeg's MAE recipe as it ships
# (mmseg::mae/mae-base_upernet_8xb2-amp-160k_ade20k-512x512.py): MMSeg's
# MAE backbone (relative position bias, layer scale 1.0, blocks 4/6/8/12),
# Feature2Pyramid (x4 x2 x1 x0.5), UperNet, 512 x 512 crops, AdamW lr 1e-4
# wd 0.05, MMSeg's layer-wise lr decay 0.65, drop path 0.1, 1500 warm-up +
# poly decay over 160k iterations, batch 16 (8 x 2). Changed from it: the
# backbone is tec_mm's CheckedMAE (MMSeg's MAE, loading the export with
# every key checked: the recipe's relative position bias and layer scale
# start as MMSeg's, anything else missing is refused), and AMP is set on the
# optimizer wrapper (the recipe's `fp16=` key is not read by MMEngine's
# runner), and multi-scale testing at 1, 1.25, 1.5 and 1.75 x the test
# scale (2048, 512), not ADE20K's 0.5-1.75 x the image: MMSeg's MAE
# backbone takes 512 x 512 crops only (its relative position bias is for
# that grid). mIoU single-scale (sliding window); multi-scale with
# `python tools/test.py THIS_CONFIG CKPT --tta`.
# Export the pretrained encoder first:
#   python tools/export_backbone.py WORK_DIR/epoch_N.pth WORK_DIR/backbone.pth
# then give it (the config has no default, so that no other run's encoder
# is taken by mistake):
#   bash tools/dist_train.sh THIS_CONFIG 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=WORK_DIR/backbone.pth
_base_ = ['mmseg::mae/mae-base_upernet_8xb2-amp-160k_ade20k-512x512.py']
custom_imports = dict(
    imports=['tec_mm', 'tec_mm.downstream.mmseg_mae'],
    allow_failed_imports=False)

pretrained = None
model = dict(
    pretrained=None,
    backbone=dict(
        type='CheckedMAE',
        init_cfg=dict(type='Pretrained', checkpoint=pretrained)))
optim_wrapper = dict(type='AmpOptimWrapper', loss_scale='dynamic')

img_ratios = [1.0, 1.25, 1.5, 1.75]
tta_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(
        type='TestTimeAug',
        transforms=[[
            dict(
                type='Resize',
                scale=(int(2048 * r), int(512 * r)),
                keep_ratio=True) for r in img_ratios
        ],
                    [
                        dict(
                            type='RandomFlip', prob=p,
                            direction='horizontal') for p in (0., 1.)
                    ], [dict(type='LoadAnnotations')],
                    [dict(type='PackSegInputs')]])
]
