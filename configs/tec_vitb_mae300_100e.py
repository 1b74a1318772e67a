# TEC ViT-B/16, 100 epochs from an MAE ViT-B base pretrained for 300 epochs
# (K=15, tau=1.8): the paper's "TEC 100 ep on MAE-300ep beats MAE 1600 ep".
# 40 warm-up epochs, then cosine over the remaining 60.
_base_ = './tec_vitb_mae.py'

train_cfg = dict(max_epochs=100)
