"""The non-finite loss hook: what it says and when it stops."""
import math
from types import SimpleNamespace

import pytest
import torch

from tec_mm.engine import NonFiniteLossHook


class Logger:

    def __init__(self):
        self.errors = []

    def error(self, message):
        self.errors.append(message)


def runner():
    return SimpleNamespace(iter=41, epoch=2, logger=Logger())


def test_finite_losses_pass():
    hook, run = NonFiniteLossHook(), runner()
    hook.after_train_iter(run, 0, outputs=dict(
        loss=torch.tensor(1.5), loss_fea=torch.tensor(1.0), loss_att=0.5))
    assert run.logger.errors == []


@pytest.mark.parametrize('bad', [math.nan, math.inf, -math.inf])
def test_non_finite_loss_stops_with_iteration_and_terms(bad):
    hook, run = NonFiniteLossHook(), runner()
    with pytest.raises(FloatingPointError) as err:
        hook.after_train_iter(run, 0, outputs=dict(
            loss=torch.tensor(bad), loss_fea=torch.tensor(1.0),
            loss_att=torch.tensor(bad)))
    message = str(err.value)
    assert message.startswith('non-finite loss at iteration 42 (epoch 3): ')
    assert f'loss_fea=1.0, loss_att={bad}' in message
    assert run.logger.errors == [message]


def test_it_runs_before_the_checkpoint_hook():
    from mmengine.hooks import CheckpointHook
    from mmengine.runner import get_priority
    assert get_priority(NonFiniteLossHook.priority) < get_priority(
        CheckpointHook.priority)
