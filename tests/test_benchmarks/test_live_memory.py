"""Bytes alive on fake tensors, against sizes computed by hand."""
import torch
from tec_bench.live_memory import LiveMemory, step_memory, to_fake
from tec_bench.training_step import build_model
from torch import nn
from torch._subclasses.fake_tensor import FakeTensor, FakeTensorMode


def test_a_linear_step_by_hand():
    mode = FakeTensorMode()
    with mode:
        linear = nn.Linear(1000, 1000)
        x = torch.randn(256, 1000)
    with mode, LiveMemory() as memory:
        memory.count([*linear.parameters(), x, 'not a tensor'])
        memory.count([x.view(-1)])  # a view: its storage is counted once
        weights, inputs = (1000 * 1000 + 1000) * 4, 256 * 1000 * 4
        assert memory.now == weights + inputs
        y = linear(x).sum()
        # the 256 x 1000 output lived until its 4-byte sum was made; the
        # sum's backward does not keep it
        assert memory.peak == weights + 2 * inputs + 4
        assert memory.now == weights + inputs + 4
        y.backward()
        assert memory.now == 2 * weights + inputs + 4  # the gradients
        del y
        assert memory.now == 2 * weights + inputs


def test_to_fake_keeps_shapes_dtypes_and_frozen_weights():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    model[0].weight.requires_grad_(False)
    to_fake(model, FakeTensorMode())
    tensors = [*model.parameters(), *model.buffers()]
    assert all(isinstance(t, FakeTensor) for t in tensors)
    assert [t.shape for t in model.parameters()] == [(4, 3), (4, ), (4, ),
                                                     (4, )]
    assert model[1].num_batches_tracked.dtype == torch.int64
    assert [p.requires_grad for p in model.parameters()] == [
        False, True, True, True]


def test_between_steps_are_the_weights_buffers_and_adamw_states():
    got = step_memory('configs/demo/mae_vit-tiny-p4_fmnist.py', batch=4)
    model, _ = build_model('configs/demo/mae_vit-tiny-p4_fmnist.py')
    params = list(model.parameters())
    trained = [p for p in params if p.requires_grad]
    weights = sum(p.numel() * p.element_size() for p in params)
    buffers = sum(b.numel() * b.element_size() for b in model.buffers())
    # AdamW: exp_avg and exp_avg_sq in float32 and a float32 step count
    # per trained tensor
    adamw = sum(8 * p.numel() + 4 for p in trained)
    assert got['between_steps'] == weights + buffers + adamw
    assert got['bf16'] and got['batch'] == 4 and got['num_masks'] == 1


def test_activations_grow_with_the_batch():
    peak = {b: step_memory('configs/demo/tec_vit-tiny-p4_fmnist.py',
                           batch=b)['peak'] for b in (4, 8, 16)}
    assert peak[16] - peak[8] > 0
    assert abs((peak[16] - peak[8]) - 2 * (peak[8] - peak[4])) < \
        0.02 * (peak[16] - peak[8])
