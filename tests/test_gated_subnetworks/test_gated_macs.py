"""MAC counting of gated blocks by hand, and against what the gated
encoder really computes at inference."""
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from tec_mm import GatedViT, block_macs

ARCH = dict(embed_dims=8, num_layers=1, num_heads=2, feedforward_channels=16)


def test_block_macs_by_hand():
    # N=3, C=4, F=8: qkv 3*3*16 + scores and values 2*9*4 + proj 3*16,
    # MLP 2*3*4*8
    assert block_macs(3, 4, 8) == 144 + 72 + 48 + 192
    assert block_macs(3, 4, 8, 0.5, 0.5) == 0.5 * 264 + 0.5 * 192


def forced_vit() -> GatedViT:
    """One block; head 0 and MLP group 0 of 4 open for every input."""
    vit = GatedViT(arch=ARCH, img_size=8, patch_size=4, in_channels=1,
                   gate_groups=4, out_type='cls_token')
    gates = vit.layers[0].gates.mlp[2]
    torch.nn.init.zeros_(gates.weight)
    gates.bias.data = torch.tensor([1., -1., 1., -1., -1., -1.])
    return vit.eval()


def test_mac_ratio_and_density_of_a_small_gated_encoder():
    vit = forced_vit()
    vit(torch.randn(3, 1, 8, 8))
    ratio, densities = vit.gate_statistics()
    # 4 patches + CLS = 5 tokens, C=8, F=16: stem 4 * 8*16 = 512, block
    # dense 4*5*64 + 2*25*8 + 2*5*8*16 = 2960, gated 1680/2 + 1280/4 = 1160,
    # gate MLP 8*2 + 2*6 = 28
    assert ratio.tolist() == pytest.approx([(512 + 1160 + 28) /
                                            (512 + 2960)] * 3)
    assert densities.shape == (1, 3)
    assert densities[0].tolist() == pytest.approx([1160 / 2960] * 3)


def test_inference_skips_closed_heads_and_groups():
    vit, image = forced_vit(), torch.randn(1, 1, 8, 8)
    with FlopCounterMode(display=False) as gated:
        vit(image)
    vit.set_gating(False)
    with FlopCounterMode(display=False) as dense:
        vit(image)
    # the counter sees the patch embedding and the linear layers (2 FLOPs
    # a MAC; not the CPU's fused attention): stem 512, qkv and proj
    # 4*5*64 = 1280, MLP 1280; gated, the closed head's and groups' weights
    # are not multiplied at all, and the gate MLP's 28 are added
    assert dense.get_total_flops() == 2 * (512 + 1280 + 1280)
    assert gated.get_total_flops() == 2 * (512 + 1280 / 2 + 1280 / 4 + 28)
