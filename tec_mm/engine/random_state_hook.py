"""Random-number state saved with checkpoints, so a resumed run draws what
the uninterrupted run would have drawn."""
import random
from typing import Any

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from tec_mm.registry import HOOKS


def current_state() -> dict:
    """Python's, NumPy's, torch's and CUDA's generator states."""
    return dict(python=random.getstate(), numpy=np.random.get_state(),
                torch=torch.get_rng_state(),
                cuda=(torch.cuda.get_rng_state_all()
                      if torch.cuda.is_available() else []))


def set_state(state: dict) -> None:
    """Set the generators to ``state`` (from :func:`current_state`)."""
    random.setstate(state['python'])
    np.random.set_state(state['numpy'])
    torch.set_rng_state(state['torch'])
    if state['cuda'] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Keep Python's, NumPy's and torch's generator states in checkpoints.

    MMEngine restores weights, optimizer (and AMP scaler), schedulers,
    iteration count and the sampler's epoch on ``--resume``, but not the
    global generators, which draw TEC's masks and the augmentations. Saved
    at every checkpoint and restored on resume, they make the iterations
    after the resume point draw the same masks and crops as an uninterrupted
    run. Validation, which runs after an epoch's checkpoint and draws from
    the generators too (each data-loader iterator takes a seed), gives them
    back as they were before it, so the next epoch draws the same whether
    or not validation ran (a run killed while validating resumes to the
    uninterrupted run's numbers). Checkpoints are written by rank 0 only,
    so in a multi-process run the other ranks continue from rank 0's state
    moved on by their rank (reproducible, but not the uninterrupted run's
    draws).
    """

    priority = 'VERY_LOW'

    def before_val(self, runner: Any) -> None:
        """Keep the generators' states while validation draws."""
        self._before_val = current_state()

    def after_val(self, runner: Any) -> None:
        """Give the generators back as they were before validation."""
        set_state(self._before_val)

    def before_save_checkpoint(self, runner: Any, checkpoint: dict) -> None:
        """Add ``random_state`` to the checkpoint."""
        checkpoint['random_state'] = current_state()

    def after_load_checkpoint(self, runner: Any, checkpoint: dict) -> None:
        """Restore the generators when resuming (not for ``load_from``)."""
        state = checkpoint.get('random_state')
        if state is None or not runner.cfg.get('resume', False):
            return
        set_state(state)
        rank = get_rank()
        if rank:
            seed = int(torch.randint(2**31 - 1, (1, ))) + rank
            random.seed(seed)
            np.random.seed(seed)
            torch.manual_seed(seed)
