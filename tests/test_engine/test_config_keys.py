"""Unknown keys in the config sections of tec_mm's modules are refused with
the section, the key, the closest accepted name and the accepted names."""
import pytest

from tec_mm.engine.config_keys import check_config_keys


def refused(cfg, where='model.x'):
    with pytest.raises(ValueError) as err:
        check_config_keys(cfg, where)
    return str(err.value)


def test_typo_names_the_section_key_and_the_fix():
    message = refused(dict(type='PatchRelationTarget', topk=15),
                      'model.target_generator')
    assert message.startswith("model.target_generator: unknown key 'topk' "
                              'for PatchRelationTarget')
    assert "(did you mean 'top_k'?)" in message
    assert "'checkpoint'" in message and "'last_layers'" in message


def test_nested_lists_and_named_bases_are_walked():
    nested = dict(
        type='TECReconstructionHead',
        decoder=dict(type='TECDecoder', embed_dim=8),
        attention_loss=dict(type='AttentionRelationLoss', tau=1.0))
    assert refused(nested, 'model.head').startswith(
        "model.head.decoder: unknown key 'embed_dim' for TECDecoder")
    bases = dict(mae=dict(type='PatchRelationTarget', checkpoint='a.pth'),
                 ibot=dict(type='PatchRelationTarget', with_atention=True))
    assert refused(bases, 'model.target_generator').startswith(
        "model.target_generator.ibot: unknown key 'with_atention'")
    assert refused([dict(type='PatchNormMSELoss', weight=1.0)]).startswith(
        "model.x[0]: unknown key 'weight' for PatchNormMSELoss")


def test_accepted_configs_and_other_libraries_pass():
    check_config_keys(
        dict(type='PatchRelationTarget', checkpoint='a.pth', top_k=15,
             arch=dict(num_heads=12), name='mae'), 'model.target_generator')
    # MMPretrain's classes are left to MMPretrain (even with odd keys)
    check_config_keys(dict(type='MAEViT', arch='b', anything=1), 'model.b')
    check_config_keys(dict(type='TECViT', arch=dict(embed_dims=8)), 'm')
    check_config_keys(None, 'model.head.attention_loss')
