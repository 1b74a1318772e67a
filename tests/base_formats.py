"""Random ViTs written in each base-checkpoint format a user brings, with
the plain-torch reference that follows the format's own semantics."""
import argparse

import torch

from tec_test_utils import TINY_ARCH, ReferenceViT, mmpretrain_state

W = TINY_ARCH['embed_dims']
HEADS = dict(num_heads=TINY_ARCH['num_heads'])  # 24 wide: no standard count


def prefixed(state, prefix):
    return {prefix + k: v for k, v in state.items()}


def dino_head(prefix):
    return {
        f'{prefix}head.mlp.0.weight': torch.zeros(8, W),
        f'{prefix}head.last_layer.weight_g': torch.zeros(1, 8)
    }


def write_dino(ref):
    other = ReferenceViT(TINY_ARCH, 224, 16)  # the student differs
    return {
        'teacher': {**prefixed(ref.state_dict(), 'backbone.'),
                    **dino_head('')},
        'student': {**prefixed(other.state_dict(), 'module.backbone.'),
                    **dino_head('module.')},
        'epoch': 100, 'args': argparse.Namespace(arch='vit_tiny')
    }


# name: (ReferenceViT options, patch, checkpoint px, other px, writer,
#        detected format)
FORMATS = {
    'mae': (dict(), 16, 224, 160, lambda r: {
        'model': {**r.state_dict(), 'mask_token': torch.zeros(1, 1, W),
                  'decoder_embed.weight': torch.zeros(8, W)},
        'epoch': 299, 'args': argparse.Namespace(model='mae_vit_tiny')
    }, 'mae'),
    'dino': (dict(grid_offset=0.1), 16, 224, 160, write_dino, 'dino'),
    'ibot': (dict(grid_offset=0.1), 16, 224, 160, lambda r: {
        'state_dict': {**prefixed(r.state_dict(), 'backbone.'),
                       'backbone.masked_embed': torch.zeros(W),
                       **dino_head('')}
    }, 'ibot'),
    'dinov2': (dict(layer_scale=True, grid_offset=0.1), 14, 518, 112,
               lambda r: {**r.state_dict(),
                          'mask_token': torch.zeros(1, W)}, 'dinov2'),
    'mmpretrain': (dict(), 16, 224, 160, lambda r: {
        'state_dict': {**prefixed(mmpretrain_state(r), 'backbone.'),
                       'neck.decoder_embed.weight': torch.zeros(8, W),
                       'data_preprocessor.mean': torch.zeros(3)},
        'meta': {'epoch': 1}
    }, 'mmpretrain'),
    'mmpretrain-plain': (dict(layer_scale=True), 16, 224, 160,
                         mmpretrain_state, 'mmpretrain'),
    # timm's no_embed_class models (DeiT-3): no CLS position, LayerScale
    'timm': (dict(layer_scale=True, class_pos=False), 16, 224, 160,
             lambda r: {**r.state_dict(), 'head.weight': torch.zeros(5, W),
                        'fc_norm.weight': torch.zeros(W)}, 'timm'),
    'timm-ddp': (dict(), 16, 224, 160,
                 lambda r: prefixed(r.state_dict(), 'module.'), 'timm'),
}


def write(tmp_path, name):
    options, patch, size, _, writer, _ = FORMATS[name]
    torch.manual_seed(0)
    ref = ReferenceViT(TINY_ARCH, size, patch, std=0.2, **options)
    path = str(tmp_path / f'{name}.pth')
    torch.save(writer(ref), path)
    return path, ref
