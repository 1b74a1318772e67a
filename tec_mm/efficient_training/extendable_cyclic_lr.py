"""An extendable cyclic schedule (Koçyiğit, Hospedales & Bilen, "Accelerating
Self-Supervised Learning via Efficient Training Strategies", WACV 2023)."""
import math
from typing import List, Optional, Union

from mmengine.optim import BaseOptimWrapper
from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF
from torch.optim import Optimizer

from tec_mm.engine.refusal import ConfigError
from tec_mm.registry import PARAM_SCHEDULERS
from .step_defined_scheduler import StepDefinedParamScheduler

SHAPES = ('triangular', 'cosine')


@PARAM_SCHEDULERS.register_module()
class ExtendableCyclicParamScheduler(StepDefinedParamScheduler):
    """Cycles of a fixed ``period``, repeated until the run ends.

    The schedule is defined by its period, not by the run's length, so a
    run can be extended (a larger ``train_cfg.max_epochs``, also on
    ``--resume``) and the schedule goes on with further cycles exactly as
    an uninterrupted longer run would: nothing restarts and nothing jumps.
    Within a cycle, at phase ``p = ((step - begin) mod period) / period``:

    - ``'triangular'`` (the default): ``v = v_min + (v_max - v_min) *
      (1 - |2p - 1|)``, from ``v_min`` up to ``v_max`` at mid-cycle and back
      down; every cycle boundary is a low point, a good place to stop or to
      extend from, and the first half-cycle is the warm-up;
    - ``'cosine'``: ``v = v_min + (v_max - v_min) * (1 + cos(pi p)) / 2``,
      from ``v_max`` down, restarting at each boundary.

    ``v_max`` is each parameter group's initial value, so layer-wise decay
    of the learning rate is kept. The value is computed from the step, not
    from the previous value, so it does not drift and resuming gives the
    same values.

    Args:
        optimizer (Optimizer | BaseOptimWrapper): The (wrapped) optimizer.
        param_name (str): The scheduled parameter, e.g. ``'lr'``.
        period (float): Length of a cycle, in epochs when ``by_epoch`` (also
            when converted to iterations), else in iterations.
        eta_min (float): The low value ``v_min``. Defaults to 0.
        eta_min_ratio (float, optional): ``v_min`` as a ratio of each
            group's ``v_max`` instead of ``eta_min``.
        shape (str): ``'triangular'`` or ``'cosine'``.
        begin (int): First step scheduled. Defaults to 0.
        end (int): Step after the last one scheduled. Defaults to INF (the
            runner sets the run's end).
        last_step (int): Index of the last step (for resuming without a
            state dict). Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Print each update. Defaults to False.
    """

    EPOCH_ARGS = ('period',)

    def __init__(self,
                 optimizer: Union[Optimizer, BaseOptimWrapper],
                 param_name: str,
                 period: float,
                 eta_min: float = 0.,
                 eta_min_ratio: Optional[float] = None,
                 shape: str = 'triangular',
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False) -> None:
        if not period > 0:
            raise ConfigError(f'ExtendableCyclic period={period!r} must be '
                              'positive')
        if shape not in SHAPES:
            raise ConfigError(f'ExtendableCyclic shape={shape!r}: choose one '
                              f'of {SHAPES}')
        self.period, self.shape = period, shape
        self.eta_min, self.eta_min_ratio = eta_min, eta_min_ratio
        super().__init__(optimizer, param_name=param_name, begin=begin,
                         end=end, last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    def cycle_fraction(self, step: int) -> float:
        """How high the value is at ``step``: 0 at ``v_min``, 1 at ``v_max``.

        Args:
            step (int): Steps since ``begin`` (MMEngine's ``last_step``).

        Returns:
            float: The fraction of ``v_max - v_min`` above ``v_min``.
        """
        phase = step % self.period / self.period
        if self.shape == 'triangular':
            return 1 - abs(2 * phase - 1)
        return (1 + math.cos(math.pi * phase)) / 2

    def _get_value(self) -> List[float]:
        """Values of the parameter groups at the current step."""
        fraction = self.cycle_fraction(self.last_step)
        values = []
        for top in self.base_values:
            low = (self.eta_min if self.eta_min_ratio is None else
                   top * self.eta_min_ratio)
            values.append(low + (top - low) * fraction)
        return values


@PARAM_SCHEDULERS.register_module()
class ExtendableCyclicLR(LRSchedulerMixin, ExtendableCyclicParamScheduler):
    """The :class:`ExtendableCyclicParamScheduler` of the learning rate.

    Example (MMPretrain config; 2-epoch cycles, by iteration)::

        param_scheduler = [
            dict(type='ExtendableCyclicLR', period=2, eta_min_ratio=0.01,
                 by_epoch=True, convert_to_iter_based=True)
        ]
    """
