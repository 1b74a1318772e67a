"""A warm-up, stable, decay schedule (Hägele et al., "Scaling Laws and
Compute-Optimal Training Beyond Fixed Training Durations", NeurIPS 2024):
one long run at a constant value, and a finished model at any of its
checkpoints by a short decay branch run off it."""
from typing import List, Optional, Union

from mmengine.optim import BaseOptimWrapper
from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF
from torch.optim import Optimizer

from tec_mm.engine.refusal import ConfigError
from tec_mm.registry import PARAM_SCHEDULERS
from .step_defined_scheduler import StepDefinedParamScheduler


@PARAM_SCHEDULERS.register_module()
class WarmupStableDecayParamScheduler(StepDefinedParamScheduler):
    """Linear warm-up, then constant, then (from ``decay_begin``) a linear
    decay to ``eta_min`` at the run's end.

    With ``decay_begin=None`` the value stays constant after the warm-up for
    as long as the run goes, so the run can be extended (a larger
    ``max_epochs`` and ``--resume``) with nothing restarting. A decay
    branch resumes one of its checkpoints in a new work dir with
    ``decay_begin`` at that checkpoint's epoch and ``max_epochs`` at the
    branch's end: the optimizer's state, the step and the data order go on
    from the checkpoint, and the value falls linearly to ``eta_min`` at the
    end the runner gives (``max_epochs`` unless ``end`` is set). With
    ``v_top`` each parameter group's initial value and ``t`` the step since
    ``begin``:

    - ``t < warmup``: ``v_top * (f + (1 - f) * t / warmup)``, ``f`` the
      ``start_factor``;
    - ``warmup <= t < decay_begin`` (or no decay): ``v_top``;
    - ``t >= decay_begin``: ``eta_min + (v_top - eta_min) * (end - t) /
      (end - decay_begin)``.

    Args:
        optimizer (Optimizer | BaseOptimWrapper): The (wrapped) optimizer.
        param_name (str): The scheduled parameter, e.g. ``'lr'``.
        warmup (float): Length of the warm-up, in epochs when ``by_epoch``
            (also when converted to iterations), else in iterations.
        decay_begin (float, optional): Where the decay starts, in the same
            unit and counted from ``begin``; None: no decay.
        start_factor (float): The warm-up's first value as a fraction of
            ``v_top``. Defaults to 1e-3.
        eta_min (float): The value the decay ends at. Defaults to 0.
        begin (int): First step scheduled. Defaults to 0.
        end (int): Step after the last one scheduled. Defaults to INF (the
            runner sets the run's end).
        last_step (int): Index of the last step (for resuming without a
            state dict). Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Print each update. Defaults to False.

    Raises:
        ConfigError: A negative warm-up, a start factor outside (0, 1], a
            decay that begins inside the warm-up or at or after the end.
    """

    EPOCH_ARGS = ('warmup', 'decay_begin')

    def __init__(self,
                 optimizer: Union[Optimizer, BaseOptimWrapper],
                 param_name: str,
                 warmup: float,
                 decay_begin: Optional[float] = None,
                 start_factor: float = 1e-3,
                 eta_min: float = 0.,
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False) -> None:
        if warmup < 0:
            raise ConfigError(f'WarmupStableDecay warmup={warmup!r} must not '
                              'be negative')
        if not 0 < start_factor <= 1:
            raise ConfigError(f'WarmupStableDecay start_factor='
                              f'{start_factor!r} must be in (0, 1]')
        if decay_begin is not None and not warmup <= decay_begin < end - begin:
            raise ConfigError(
                f'WarmupStableDecay decay_begin={decay_begin!r} must be at or '
                f'after the warm-up ({warmup!r}) and before the end '
                f'({end - begin!r} steps after begin)')
        self.warmup, self.decay_begin = warmup, decay_begin
        self.start_factor, self.eta_min = start_factor, eta_min
        super().__init__(optimizer, param_name=param_name, begin=begin,
                         end=end, last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    def _get_value(self) -> List[float]:
        """Values of the parameter groups at the current step."""
        t = self.last_step
        if t < self.warmup:
            factor = self.start_factor + (1 - self.start_factor) * \
                t / self.warmup
            return [top * factor for top in self.base_values]
        if self.decay_begin is None or t < self.decay_begin:
            return list(self.base_values)
        left = (self.end - self.begin - t) / \
            (self.end - self.begin - self.decay_begin)
        return [self.eta_min + (top - self.eta_min) * left
                for top in self.base_values]


@PARAM_SCHEDULERS.register_module()
class WarmupStableDecayLR(LRSchedulerMixin, WarmupStableDecayParamScheduler):
    """The :class:`WarmupStableDecayParamScheduler` of the learning rate.

    Example (MMPretrain config; the stable run, then a branch decaying over
    epochs 90-100 from its 90th checkpoint)::

        param_scheduler = [
            dict(type='WarmupStableDecayLR', warmup=3, by_epoch=True,
                 convert_to_iter_based=True)
        ]
        # branch: --resume from epoch_90.pth of the stable run, with
        #   param_scheduler.0.decay_begin=90 train_cfg.max_epochs=100
    """
