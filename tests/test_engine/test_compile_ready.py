"""MMEngine's ``compile=True`` trains the plugin's models: numpy drop-path
rates become floats, a compiled TEC step equals an eager one, and every
kind of pretraining config trains compiled through tools/train.py, also
across a resume."""
import copy
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.models import VisionTransformer
from mmpretrain.structures import DataSample

from runner_utils import ROOT, TEC, MAE, logged_losses, train
from tec_mm.datasets import DEBIAN_FASHION_MNIST
from tec_mm.engine import make_compile_ready, plain_drop_probs
from tec_mm.registry import MODELS
from tec_test_utils import IMG, TINY_ARCH, tiny_tec_cfg, write_mae_checkpoint


def test_numpy_drop_probs_become_the_same_floats():
    vit = VisionTransformer(arch=TINY_ARCH, img_size=IMG, patch_size=4,
                            drop_path_rate=0.1)
    probs = [m.drop_prob for m in vit.modules() if hasattr(m, 'drop_prob')]
    assert all(isinstance(p, np.float64) for p in probs)
    # two DropPaths per block (attention, MLP) at 0, 0.05, 0.1
    assert plain_drop_probs(vit) == 2 * TINY_ARCH['num_layers']
    after = [m.drop_prob for m in vit.modules() if hasattr(m, 'drop_prob')]
    assert after == [0.0, 0.0, 0.05, 0.05, 0.1, 0.1]
    assert all(type(p) is float for p in after)
    assert plain_drop_probs(vit) == 0


def test_a_compiled_tec_step_equals_the_eager_one(tmp_path):
    """Two SGD steps of a tiny TEC model, eager and compiled (inductor, its
    random numbers drawn as eager draws them): the same losses to 1e-5 and
    the same weights to 1e-6. SGD, so that the weights move by the
    gradients: AdamW would turn float noise in exactly-zero gradients (the
    key bias, which softmax ignores) into steps of the full lr."""
    base = str(tmp_path / 'base.pth')
    write_mae_checkpoint(base)
    torch.manual_seed(0)
    eager = MODELS.build(tiny_tec_cfg(base))
    compiled = copy.deepcopy(eager)
    before = copy.deepcopy(eager.state_dict())
    images = torch.randint(0, 256, (4, 3, IMG, IMG), dtype=torch.uint8)
    data = dict(inputs=images, data_samples=[DataSample() for _ in images])
    steps = {}
    for name, model in (('eager', eager), ('compiled', compiled)):
        wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
        make_compile_ready(model, wrapper, compiled=name == 'compiled')
        step = torch.compile(model.train_step) if name == 'compiled' \
            else model.train_step
        torch.manual_seed(1)
        with torch._inductor.config.patch(fallback_random=True):
            steps[name] = [step(data, wrapper) for _ in range(2)]
    for eager_log, compiled_log in zip(steps['eager'], steps['compiled']):
        for key in ('loss_fea', 'loss_att'):
            assert compiled_log[key].item() == pytest.approx(
                eager_log[key].item(), rel=1e-5)
    for (name, a), b in zip(eager.named_parameters(), compiled.parameters()):
        torch.testing.assert_close(b, a, rtol=0, atol=1e-6, msg=name)
    # the steps changed the weights: the comparison is not of two copies
    assert not torch.equal(eager.backbone.cls_token,
                           before['backbone.cls_token'])


needs_data = pytest.mark.skipif(
    not osp.isdir(DEBIAN_FASHION_MNIST),
    reason='Debian package dataset-fashion-mnist not installed')
# Dynamo's capture (guards, graph breaks, recompiles) through MMEngine's
# runner; AOTAutograd and inductor's code generation are the step test's.
COMPILE = 'compile.backend=eager'


@needs_data
@pytest.mark.parametrize('config,base', [
    (MAE, False),
    ('configs/demo/tec_vit-tiny-p4_fmnist_2bases.py', True),
    ('configs/efficient_training/tec_vit-tiny-p4_fmnist_4-masks.py', True),
    ('configs/efficient_training/tec_vit-tiny-p4_fmnist_progressive.py',
     True),
    ('configs/gated_subnetworks/tec_vit-tiny-p4_fmnist_gated.py', True),
])
def test_configs_train_compiled(config, base, mae_base, tmp_path):
    work_dir = str(tmp_path / 'run')
    options = [COMPILE]
    if base and '2bases' in config:
        options += [f'model.target_generator.{name}.checkpoint={mae_base}'
                    for name in ('mae', 'ibot')]
    elif base:
        options.append(f'model.target_generator.checkpoint={mae_base}')
    train(osp.join(ROOT, config), work_dir, *options)
    rows = logged_losses(work_dir)
    assert [it for it, _ in rows] == [1, 2]
    assert all(np.isfinite(list(losses.values())).all() for _, losses in rows)


@needs_data
def test_a_resumed_compiled_run_continues_as_the_uninterrupted_one(
        mae_base, tmp_path):
    """One compiled epoch, then a compiled --resume for the second: the
    losses of the uninterrupted eager run at every iteration (Dynamo's
    graphs run torch's own kernels, so compiled and eager agree to 1e-6)."""
    base = f'model.target_generator.checkpoint={mae_base}'
    whole = str(tmp_path / 'whole')
    train(TEC, whole, base, 'train_cfg.max_epochs=2')
    parts = str(tmp_path / 'parts')
    train(TEC, parts, base, COMPILE)
    train(TEC, parts, base, COMPILE, 'train_cfg.max_epochs=2', resume=True)
    expected = dict(logged_losses(whole))
    resumed = dict(logged_losses(parts))
    assert sorted(resumed) == sorted(expected) == [1, 2, 3, 4]
    for it in resumed:
        for key, value in expected[it].items():
            assert resumed[it][key] == pytest.approx(value, rel=1e-6), key
