"""Dense and gated co-training: the dense pass is the algorithm's own loss,
the budget and density losses follow the gates by hand, and the gated
configs train through tools/train.py."""
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub

from runner_utils import run_rows, train
from tec_mm.registry import MODELS
from tec_test_utils import ROOT

GATED = f'{ROOT}/configs/gated_subnetworks/'


def build(config: str, base: str = None, **model):
    cfg = Config.fromfile(config)
    cfg.model.update(model)
    if base is not None:
        cfg.model.target_generator.checkpoint = base
    torch.manual_seed(0)
    built = MODELS.build(cfg.model)
    built.init_weights()
    return built


def force_half_open(model) -> None:
    """Heads 0-1 of 4 and groups 0-3 of 8 open in every block, whatever the
    noise."""
    for layer in model.backbone.layers:
        torch.nn.init.zeros_(layer.gates.mlp[2].weight)
        layer.gates.mlp[2].bias.data = 20. * torch.tensor(
            [1., 1., -1., -1., 1., 1., 1., 1., -1., -1., -1., -1.])


def test_dense_pass_is_maes_own_loss():
    gated = build(GATED + 'mae_vit-tiny-p4_fmnist_gated.py')
    plain = build(f'{ROOT}/configs/demo/mae_vit-tiny-p4_fmnist.py')
    plain.load_state_dict(gated.state_dict(), strict=False)
    images = torch.randn(4, 1, 28, 28)
    torch.manual_seed(1)
    losses = gated.loss(images, [])
    torch.manual_seed(1)
    assert losses['loss_dense'].item() == pytest.approx(
        plain.loss(images, [])['loss'].item(), rel=1e-6)
    assert set(losses) == {'loss_dense', 'loss_gated', 'loss_budget',
                           'loss_density', 'mac_ratio'}
    assert not any(layer.gating for layer in gated.backbone.layers)


@pytest.mark.parametrize('epoch,density', [(0, 0.04), (50, 0.)])
def test_budget_and_density_losses_by_hand(epoch, density):
    model = build(GATED + 'mae_vit-tiny-p4_fmnist_gated.py',
                  target_density=0.3)
    force_half_open(model)
    MessageHub.get_current_instance().update_info('epoch', epoch)
    losses = model.loss(torch.randn(2, 1, 28, 28), [])
    # 13 tokens (12 visible + CLS), C=96, F=384: stem 49*96*16 = 75264,
    # block dense 4*13*96^2 + 2*13^2*96 + 2*13*96*384 = 1470144, half of it
    # gated, gate MLP 96*24 + 24*12 = 2592; 6 blocks
    ratio = (75264 + 6 * (1470144 / 2 + 2592)) / (75264 + 6 * 1470144)
    assert losses['mac_ratio'].item() == pytest.approx(ratio, rel=1e-6)
    assert losses['loss_budget'].item() == pytest.approx(
        5 * (ratio - 0.3)**2, rel=1e-5)
    # every block at density 0.5: bounds [0.3, 0.3] at epoch 0 give
    # (0.5 - 0.3)^2; [0.110, 0.742] at epoch 50 give 0
    assert losses['loss_density'].item() == pytest.approx(density, abs=1e-7)
    MessageHub.get_current_instance().update_info('epoch', 0)


def test_gated_mae_config_trains(tmp_path):
    train(GATED + 'mae_vit-tiny-p4_fmnist_gated.py', str(tmp_path))
    rows = run_rows(str(tmp_path))
    assert len(rows) == 2  # 16 images, batch 8
    for row in rows:
        assert row['loss'] == pytest.approx(
            row['loss_dense'] + row['loss_gated'] + row['loss_budget'] +
            row['loss_density'], rel=1e-5)
        assert 0 < row['mac_ratio'] <= 1


def test_gated_tec_config_trains(tmp_path, mae_base):
    train(GATED + 'tec_vit-tiny-p4_fmnist_gated.py', str(tmp_path),
          f'model.target_generator.checkpoint={mae_base}')
    row = run_rows(str(tmp_path))[-1]
    assert {'loss_fea_dense', 'loss_att_dense', 'loss_fea_gated',
            'loss_att_gated', 'loss_budget', 'loss_density'} <= set(row)


def test_gated_tec_runs_the_base_once_per_step(mae_base):
    """Both passes reconstruct one set of targets: one base forward per
    step (two before the targets were shared), and the dense pass is TEC's
    own loss."""
    gated, plain = (
        build(path, mae_base)
        for path in (GATED + 'tec_vit-tiny-p4_fmnist_gated.py',
                     f'{ROOT}/configs/demo/tec_vit-tiny-p4_fmnist.py'))
    plain.load_state_dict(gated.state_dict(), strict=False)
    (base, ) = gated.base_models.values()
    calls = []
    base.register_forward_hook(lambda *args: calls.append(1))
    images = torch.randn(4, 1, 28, 28)
    torch.manual_seed(1)
    losses = gated.loss(images, [])
    assert len(calls) == 1
    torch.manual_seed(1)
    expected = plain.loss(images, [])
    for key in ('loss_fea', 'loss_att'):
        assert losses[f'{key}_dense'].item() == pytest.approx(
            expected[key].item(), rel=1e-6)
    assert losses['loss_fea_gated'].item() != pytest.approx(
        losses['loss_fea_dense'].item(), rel=1e-3)
