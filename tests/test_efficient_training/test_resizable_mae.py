"""ResizableMAEViT / ResizableMAEPretrainDecoder: MMPretrain's MAE exactly
at the training grid, and a smaller grid's position embeddings elsewhere."""
import torch
from mmpretrain.models import MAEViT
from mmpretrain.models.necks import MAEPretrainDecoder
from mmpretrain.models.utils import resize_pos_embed

from tec_mm.efficient_training import (ResizableMAEPretrainDecoder,
                                       ResizableMAEViT)

ARCH = dict(embed_dims=24, num_layers=2, num_heads=2,
            feedforward_channels=48)
DECODER = dict(num_patches=16, patch_size=4, in_chans=1, embed_dim=24,
               decoder_embed_dim=8, decoder_depth=1, decoder_num_heads=2)


def pair(ours_cls, theirs_cls, **kwargs):
    torch.manual_seed(0)
    ours = ours_cls(**kwargs)
    ours.init_weights()
    theirs = theirs_cls(**kwargs)
    theirs.load_state_dict(ours.state_dict())
    return ours, theirs


def test_encoder_is_maes_at_the_training_grid_and_resizes_elsewhere():
    ours, theirs = pair(ResizableMAEViT, MAEViT, arch=ARCH, img_size=16,
                        patch_size=4, patch_cfg=dict(in_channels=1))
    images = torch.randn(2, 1, 16, 16)
    torch.manual_seed(1)
    got = ours(images)
    torch.manual_seed(1)
    for a, b in zip(got, theirs(images)):
        torch.testing.assert_close(a, b)
    # 8 px: a 2 x 2 grid; the same masks as MAEViT with the resized
    # position embedding put in its place
    small = torch.randn(2, 1, 8, 8)
    theirs.pos_embed.data = resize_pos_embed(
        ours.pos_embed, (4, 4), (2, 2), mode=ours.interpolate_mode,
        num_extra_tokens=1)
    torch.manual_seed(2)
    got = ours(small)
    torch.manual_seed(2)
    for a, b in zip(got, theirs(small)):
        torch.testing.assert_close(a, b)
    assert got[1].shape == (2, 4)


def test_decoder_is_maes_at_the_training_grid_and_resizes_elsewhere():
    ours, theirs = pair(ResizableMAEPretrainDecoder, MAEPretrainDecoder,
                        **DECODER)
    x = torch.randn(2, 5, 24)  # CLS + 4 visible of 16
    ids = torch.stack([torch.randperm(16) for _ in range(2)])
    torch.testing.assert_close(ours(x, ids), theirs(x, ids))
    # 4 patches: the 2 x 2 grid's sin-cos in place of the 4 x 4 one
    small = dict(DECODER, num_patches=4)
    torch.manual_seed(0)
    reference = MAEPretrainDecoder(**small)
    reference.init_weights()  # sets the 2 x 2 sin-cos embedding
    pos = reference.decoder_pos_embed.data.clone()
    reference.load_state_dict(
        {k: v for k, v in ours.state_dict().items()
         if k != 'decoder_pos_embed'}, strict=False)
    reference.decoder_pos_embed.data = pos
    x, ids = torch.randn(2, 2, 24), torch.stack(
        [torch.randperm(4) for _ in range(2)])
    torch.testing.assert_close(ours(x, ids), reference(x, ids))
