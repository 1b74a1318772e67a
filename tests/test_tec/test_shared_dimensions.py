import pytest
from mmpretrain.models import VisionTransformer

from tec_mm import TECAlgorithm
from tec_mm.tec.shared_dimensions import (encoder_dimensions, fill,
                                          fill_dimensions)
from tec_test_utils import IMG, PATCH, TINY_ARCH

BACKBONE = dict(type='TECViT', arch=TINY_ARCH, img_size=IMG,
                patch_size=PATCH)
HEAD = dict(type='TECReconstructionHead',
            decoder=dict(decoder_embed_dims=16, num_heads=2),
            attention_loss=dict(type='AttentionRelationLoss'))


def test_encoder_dimensions_of_a_named_and_a_written_arch():
    assert encoder_dimensions(dict(arch='l', img_size=224,
                                   patch_size=14)) == (1024, 24, 256)
    assert encoder_dimensions(BACKBONE) == (24, 3, 16)


def test_neck_and_head_filled_from_encoder_and_bases():
    neck, head = fill_dimensions(BACKBONE, dict(type='ConditionalAdapter'),
                                 HEAD, dict(mae=24, ibot=32), 6)
    assert neck == dict(type='ConditionalAdapter', embed_dims=24,
                        num_layers=3, base_names=['mae', 'ibot'],
                        decoder_embed_dims=16)
    assert head['decoder'] == dict(decoder_embed_dims=16, num_heads=2,
                                   embed_dims=24, num_patches=16,
                                   base_names=['mae', 'ibot'],
                                   base_dims=dict(mae=24, ibot=32),
                                   target_heads=6)
    # without the attention target there is no head count to predict;
    # another neck is left as it is
    neck, head = fill_dimensions(
        BACKBONE, dict(type='LastBlockNeck'),
        dict(HEAD, attention_loss=None), dict(mae=24), 6)
    assert neck == dict(type='LastBlockNeck')
    assert 'target_heads' not in head['decoder']


def test_a_value_that_disagrees_is_refused_naming_its_key():
    with pytest.raises(ValueError, match=r'model\.neck\.embed_dims=768 '
                       r'does not match the new encoder, model\.backbone '
                       r'\(24\); leave model\.neck\.embed_dims out'):
        fill_dimensions(BACKBONE,
                        dict(type='ConditionalAdapter', embed_dims=768),
                        HEAD, dict(mae=24), 2)
    # the same value written out is accepted; a tuple equals a list
    assert fill(dict(base_names=('mae', )), 'model.neck',
                dict(base_names=['mae']), 'x') == dict(base_names=['mae'])


def test_algorithm_refuses_before_building_the_new_model(monkeypatch):
    base = VisionTransformer(arch=TINY_ARCH, img_size=IMG, patch_size=PATCH)
    built = []
    from tec_mm.registry import MODELS
    build = MODELS.build
    monkeypatch.setattr(MODELS, 'build',
                        lambda cfg, *a, **k: built.append(cfg) or
                        build(cfg, *a, **k))
    with pytest.raises(ValueError, match='model.head.decoder.target_heads'):
        TECAlgorithm(
            backbone=BACKBONE, neck=dict(type='ConditionalAdapter'),
            head=dict(HEAD, decoder=dict(HEAD['decoder'], target_heads=3)),
            target_generator=dict(type='PatchRelationTarget',
                                  checkpoint=base,
                                  arch=dict(num_heads=2), top_k=2))
    assert [c['type'] for c in built] == ['PatchRelationTarget']
