"""The schedulers' tests' helpers: the lr at each step of a scheduler, and
a toy MMEngine run that records the lr of every iteration."""
from typing import List

import torch
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn

from tec_mm.engine import mmengine_checkpoints


class Toy(BaseModel):

    def __init__(self):
        super().__init__()
        self.w = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='loss'):
        return dict(loss=self.w(inputs).pow(2).mean())


class Recorder(Hook):
    """Records the lr of every training iteration."""

    def __init__(self):
        self.lrs = []

    def after_train_iter(self, runner, **kwargs):
        self.lrs.append(runner.optim_wrapper.get_lr()['lr'][0])


def values(scheduler, steps: int) -> List[List[float]]:
    """The lr of each parameter group at each of ``steps`` steps of a
    scheduler built on a plain optimizer."""
    out = []
    for _ in range(steps):
        out.append([g['lr'] for g in scheduler.optimizer.param_groups])
        scheduler.optimizer.step()
        scheduler.step()
    return out


def longer_and_extended(tmp_path, scheduler: dict) -> tuple:
    """The lrs of a 4-epoch run, and those of a 2-epoch run followed by the
    same work dir resumed with ``max_epochs=4``."""
    longer = train(tmp_path / 'long', 4, scheduler)
    first = train(tmp_path / 'short', 2, scheduler)
    return longer, first + train(tmp_path / 'short', 4, scheduler,
                                 resume=True)


def train(work_dir, epochs: int, scheduler: dict, resume=False,
          lr: float = 0.4) -> List[float]:
    """``epochs`` epochs of 4 iterations (SGD at ``lr``) under
    ``scheduler``; ``resume``: True (the work dir's last checkpoint) or a
    checkpoint's path. Returns the lr of each iteration run."""
    recorder = Recorder()
    runner = Runner(
        model=Toy(), work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.randn(2)) for _ in range(8)],
            batch_size=2,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=lr)),
        param_scheduler=[scheduler],
        train_cfg=dict(by_epoch=True, max_epochs=epochs),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook',
                                           interval=1)),
        custom_hooks=[recorder], resume=bool(resume),
        load_from=resume if isinstance(resume, str) else None,
        randomness=dict(seed=0), default_scope='mmengine')
    with mmengine_checkpoints():
        runner.train()
    return recorder.lrs
