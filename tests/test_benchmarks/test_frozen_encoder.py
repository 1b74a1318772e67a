"""Frozen encoders are evaluated as their export: the plain ViT of a TEC
run (CLS MLP folded), without its base."""
import os

import torch
from mmengine.config import Config
from mmpretrain.models import VisionTransformer
from tec_bench.frozen_encoder import build_pretraining_model, exported_encoder
from tec_test_utils import IMG, tiny_tec_cfg


def test_the_export_gives_the_training_encoders_tokens(tmp_path,
                                                       mae_checkpoint):
    base = mae_checkpoint[0]
    cfg = Config(dict(
        default_scope='tec_mm', model=tiny_tec_cfg(base),
        data_preprocessor=dict(type='SelfSupDataPreprocessor',
                               mean=[100., 110., 120.], std=[50., 60., 70.])))
    torch.manual_seed(0)
    model = build_pretraining_model(cfg, None)
    with torch.no_grad():  # a CLS MLP that changes the CLS token
        for param in model.backbone.cls_mlp.parameters():
            param.normal_()
    path = str(tmp_path / 'tec.pth')
    torch.save(dict(meta={}, state_dict=model.state_dict()), path)
    os.remove(base)  # the new model is evaluated without its base
    exported = exported_encoder(cfg, path)
    assert type(exported.backbone) is VisionTransformer
    assert exported.data_preprocessor.mean.flatten().tolist() == [
        100., 110., 120.]
    images = torch.randn(5, 3, IMG, IMG)
    with torch.no_grad():
        expected = model.extract_feat(images)[-1]
        tokens = exported.extract_feat(images)[-1]
    assert tokens.shape == (5, 1 + (IMG // 4)**2, 24)
    torch.testing.assert_close(tokens, expected, atol=2e-5, rtol=0)
    assert not torch.allclose(tokens[:, 0], model.backbone.cls_token[:, 0])
