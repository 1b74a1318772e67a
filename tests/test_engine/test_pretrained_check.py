"""A fine-tuning or downstream run without its pretrained encoder is
refused before training, naming the key; the shipped downstream configs
have no default encoder, the paper rows' fine-tuning configs read their
own row's."""
import os.path as osp

import pytest
from mmengine.config import Config

from tec_mm.engine import ConfigError, MissingInput, check_pretrained

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def config(init_cfg):
    return Config(dict(model=dict(backbone=dict(init_cfg=init_cfg))))


@pytest.mark.parametrize('checkpoint', [None, ''])
def test_an_unset_encoder_is_refused(checkpoint):
    with pytest.raises(ConfigError) as err:
        check_pretrained(config(dict(type='Pretrained',
                                     checkpoint=checkpoint)))
    assert str(err.value) == (
        'model.backbone.init_cfg.checkpoint is not set: export the '
        'pretrained encoder with tools/export_backbone.py and give it with '
        '--cfg-options model.backbone.init_cfg.checkpoint=PATH')


def test_a_missing_file_is_refused_and_a_present_one_taken(tmp_path):
    path = str(tmp_path / 'backbone.pth')
    with pytest.raises(MissingInput, match=r"checkpoint='.*backbone.pth' is "
                       'not a file: export'):
        check_pretrained(config(dict(type='Pretrained', checkpoint=path)))
    open(path, 'wb').close()
    check_pretrained(config(dict(type='Pretrained', checkpoint=path)))


@pytest.mark.parametrize('init_cfg', [
    None, dict(type='Pretrained', checkpoint='https://host/backbone.pth'),
    [dict(type='TruncNormal', layer='Linear', std=0.02)]
])
def test_other_initialisations_pass(init_cfg):
    check_pretrained(config(init_cfg))


@pytest.mark.parametrize('name', [
    'upernet_vit-base-p16_tec-pre_8xb2-amp-160k_ade20k-512x512.py',
    'mask-rcnn_vit-base-p16_tec-pre_simple-fpn_8xb8-amp-lsj-100e_coco.py',
    'vit-base-p16_tec-pre_8xb2048-linear-coslr-90e_in1k.py'
])
def test_downstream_configs_ask_for_the_encoder(name):
    cfg = Config.fromfile(osp.join(ROOT, 'configs/benchmarks', name))
    with pytest.raises(ConfigError, match='is not set'):
        check_pretrained(cfg)
