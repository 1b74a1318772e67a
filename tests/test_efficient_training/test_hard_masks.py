"""Hard-mask mining: the candidate that hides the most base attention, by
hand; TEC's masking from given noise is MAE's; mined masks hide more."""
import pytest
import torch
from mmpretrain.models import MAEViT

from tec_mm.efficient_training import choose_hardest
from tec_mm.registry import MODELS
from tec_test_utils import IMG, PATCH, TINY_ARCH, tiny_tec_cfg


def test_the_candidate_hiding_most_attention_is_chosen_per_image():
    attention = torch.tensor([[0.7, 0.1, 0.1, 0.1],
                              [0.4, 0.1, 0.1, 0.4]])
    # half of the 4 patches are masked: those with the 2 largest noises
    noise = torch.tensor([
        [[0.9, 0.8, 0.1, 0.2], [0.1, 0.2, 0.9, 0.8]],  # hides {0,1}, {2,3}
        [[0.1, 0.9, 0.8, 0.2], [0.9, 0.1, 0.2, 0.8]],  # hides {1,2}, {0,3}
    ])
    # image 0: 0.8 against 0.2; image 1: 0.5 against 0.8
    chosen = choose_hardest(noise, attention, mask_ratio=0.5)
    torch.testing.assert_close(chosen, torch.stack([noise[0, 0],
                                                    noise[1, 1]]))


def test_masking_from_noise_is_maes():
    tec = MODELS.build(dict(type='TECViT', arch=TINY_ARCH, img_size=IMG,
                            patch_size=PATCH))
    mae = MAEViT(arch=TINY_ARCH, img_size=IMG, patch_size=PATCH)
    x = torch.randn(3, (IMG // PATCH)**2, TINY_ARCH['embed_dims'])
    torch.manual_seed(0)
    ours = tec.random_masking(x, 0.75)
    torch.manual_seed(0)
    theirs = mae.random_masking(x, 0.75)
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b.to(a.dtype))
    noise = torch.rand(3, x.shape[1])
    _, mask, _ = tec.random_masking(x, 0.75, noise)
    top = noise.topk(12, dim=1).indices  # 12 of 16 masked
    assert torch.equal(mask.bool(), torch.zeros_like(mask).scatter(
        1, top, 1).bool())


def hidden_attention(model, images):
    """Mean CLS attention mass of the base that the masks of a step hide."""
    seen = []
    model.backbone.register_forward_hook(
        lambda m, args, out: seen.append(out[1]))
    model.loss(images, None)
    attention = model.base_models['mae'](images)['cls_attention']
    return (seen[0] * attention.repeat(model.num_masks, 1)).sum(1).mean()


def test_mined_masks_hide_more_of_the_base_attention(mae_checkpoint):
    images = torch.randn(16, 3, IMG, IMG)
    hidden = []
    for sampler in (None, dict(type='HardMaskSampler', candidates=8)):
        torch.manual_seed(0)
        model = MODELS.build(dict(tiny_tec_cfg(mae_checkpoint[0]),
                                  num_masks=2, mask_sampler=sampler))
        hidden.append(hidden_attention(model, images))
    # a random mask hides 12/16 of the mass on average; the hardest of 8
    # candidates more
    assert hidden[0] == pytest.approx(0.75, abs=0.05)
    assert hidden[1] > hidden[0] + 0.02


def test_mining_needs_the_attention_target(mae_checkpoint):
    with pytest.raises(ValueError, match="HardMaskSampler.*scores masks"):
        MODELS.build(dict(tiny_tec_cfg(mae_checkpoint[0], attention=False),
                          mask_sampler=dict(type='HardMaskSampler',
                                            candidates=4)))


@pytest.mark.parametrize('candidates', [1, 0, 2.0])
def test_fewer_than_two_candidates_are_refused(candidates):
    with pytest.raises(ValueError, match=rf'^model\.mask_sampler\.candidates='
                       rf'{candidates}: draw at least 2'):
        MODELS.build(dict(type='HardMaskSampler', candidates=candidates))


def test_an_unknown_sampler_key_is_refused(mae_checkpoint):
    with pytest.raises(ValueError, match="model.mask_sampler: unknown key "
                       "'candidate' for HardMaskSampler"):
        MODELS.build(dict(tiny_tec_cfg(mae_checkpoint[0]),
                          mask_sampler=dict(type='HardMaskSampler',
                                            candidate=4)))
