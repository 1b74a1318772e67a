"""Gated encoders: the exported gated model equals the gated forward of the
training model; fine-tuning keeps the pretrained gates."""
import pytest
import torch
from mmengine.config import Config
from mmpretrain.models import VisionTransformer

from tec_mm import GatedViT, load_checkpoint_file
from tec_mm.registry import MODELS
from tec_test_utils import ROOT, run_tool

TINY = dict(arch=dict(embed_dims=96, num_layers=6, num_heads=4,
                      feedforward_channels=384),
            img_size=28, patch_size=4, in_channels=1, out_type='raw')


def gated_mae():
    cfg = Config.fromfile(
        f'{ROOT}/configs/gated_subnetworks/mae_vit-tiny-p4_fmnist_gated.py')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    for layer in model.backbone.layers:  # gates that disagree per input
        torch.nn.init.normal_(layer.gates.mlp[2].weight, std=2.)
        torch.nn.init.zeros_(layer.gates.mlp[2].bias)
    return model


def test_gates_start_open_after_the_models_initialisation():
    cfg = Config.fromfile(
        f'{ROOT}/configs/gated_subnetworks/mae_vit-tiny-p4_fmnist_gated.py')
    model = MODELS.build(cfg.model)
    model.init_weights()  # the algorithm's Xavier init zeroes Linear biases
    for layer in model.backbone.layers:
        assert layer.gates.mlp[2].bias.tolist() == [1.] * 12


def test_exported_gated_model_equals_the_gated_forward(tmp_path):
    model = gated_mae()
    torch.save(dict(state_dict=model.state_dict(), meta={}),
               tmp_path / 'pre.pth')
    res = run_tool('export_backbone.py', str(tmp_path / 'pre.pth'),
                   str(tmp_path / 'gated.pth'))
    assert res.returncode == 0, res.stderr[-2000:]
    assert 'gates:   24 tensors kept for tec_mm.GatedViT' in res.stdout
    state = load_checkpoint_file(tmp_path / 'gated.pth')['state_dict']
    vit = GatedViT(**TINY, gate_groups=8)
    vit.load_state_dict({k[len('backbone.'):]: v for k, v in state.items()})
    vit.eval()
    backbone = model.backbone
    backbone.eval()
    backbone.set_gating(True)
    images = torch.randn(5, 1, 28, 28)
    expected = backbone(images, mask=None)[0]
    assert torch.allclose(vit(images)[0], expected, atol=1e-5)
    heads = torch.stack([layer.last_gates[0] for layer in vit.layers])
    assert 0 < heads.sum() < heads.numel()  # some heads closed
    backbone.set_gating(False)  # the dense network differs
    assert not torch.allclose(backbone(images, mask=None)[0], expected,
                              atol=1e-3)


def test_dense_export_is_a_plain_vit(tmp_path):
    torch.save(dict(state_dict=gated_mae().state_dict(), meta={}),
               tmp_path / 'pre.pth')
    res = run_tool('export_backbone.py', str(tmp_path / 'pre.pth'),
                   str(tmp_path / 'dense.pth'), '--dense')
    assert res.returncode == 0, res.stderr[-2000:]
    state = load_checkpoint_file(tmp_path / 'dense.pth')['state_dict']
    VisionTransformer(**TINY).load_state_dict(
        {k[len('backbone.'):]: v for k, v in state.items()}, strict=True)


def test_fine_tuning_keeps_the_gates_fixed():
    vit = GatedViT(**TINY, gate_groups=8).train()
    assert all(not layer.gates.training for layer in vit.layers)
    assert not any(p.requires_grad for layer in vit.layers
                   for p in layer.gates.parameters())
    images = torch.randn(4, 1, 28, 28)
    first = vit(images)[0]
    assert torch.equal(vit(images)[0], first)  # no gate noise


def test_a_non_gated_encoder_is_refused():
    cfg = Config.fromfile(
        f'{ROOT}/configs/gated_subnetworks/mae_vit-tiny-p4_fmnist_gated.py')
    cfg.model.backbone.type = 'MAEViT'
    cfg.model.backbone.pop('gate_groups')
    with pytest.raises(ValueError, match='GatedMAE needs a gated encoder'):
        MODELS.build(cfg.model)
