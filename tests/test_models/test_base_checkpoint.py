import pytest
import torch

from tec_mm.models import BaseCheckpointError, read_base_checkpoint
from tec_mm.models.base_checkpoint import to_mmpretrain_names


def test_timm_names_map_to_mmpretrain_names():
    t = torch.zeros(1)
    state, dropped = to_mmpretrain_names({
        'cls_token': t,
        'pos_embed': t,
        'patch_embed.proj.weight': t,
        'blocks.11.norm1.bias': t,
        'blocks.11.attn.qkv.weight': t,
        'blocks.11.attn.proj.bias': t,
        'blocks.11.norm2.weight': t,
        'blocks.11.mlp.fc1.weight': t,
        'blocks.11.mlp.fc2.bias': t,
        'norm.weight': t,
        'head.weight': t,
        'decoder_embed.weight': t,
        'mask_token': t,
    })
    assert sorted(state) == sorted([
        'cls_token', 'pos_embed', 'patch_embed.projection.weight',
        'layers.11.ln1.bias', 'layers.11.attn.qkv.weight',
        'layers.11.attn.proj.bias', 'layers.11.ln2.weight',
        'layers.11.ffn.layers.0.0.weight', 'layers.11.ffn.layers.1.bias',
        'ln1.weight'
    ])
    assert sorted(dropped) == ['decoder_embed.weight', 'head.weight',
                               'mask_token']


def test_mmpretrain_names_pass_through():
    keys = ['layers.0.ln1.weight', 'layers.0.ffn.layers.0.0.weight',
            'patch_embed.projection.bias']
    state, dropped = to_mmpretrain_names({k: torch.zeros(1) for k in keys})
    assert sorted(state) == sorted(keys) and dropped == []


@pytest.mark.parametrize('layout,wrap', [
    ('mae', lambda s: {'model': s}),
    ('mmpretrain', lambda s: {
        'state_dict': {f'backbone.{k}': v
                       for k, v in s.items()},
        'meta': {}
    }),
    ('state_dict', lambda s: {'state_dict': s}),
    ('plain', lambda s: {f'module.{k}': v
                         for k, v in s.items()}),
])
def test_layouts_are_detected(tmp_path, layout, wrap):
    state = {'blocks.0.norm1.weight': torch.ones(2), 'head.bias': torch.ones(1)}
    path = str(tmp_path / 'ckpt.pth')
    torch.save(wrap(state), path)
    got, detected, dropped = read_base_checkpoint(path)
    assert detected == layout
    assert list(got) == ['layers.0.ln1.weight'] and dropped == ['head.bias']


def test_non_dict_is_refused(tmp_path):
    path = str(tmp_path / 'list.pth')
    torch.save([torch.ones(1)], path)
    with pytest.raises(BaseCheckpointError, match='expected a dict'):
        read_base_checkpoint(path)
