"""Schedules whose value is a function of the global step alone, so that a
resumed run follows the schedule of its own config."""
from typing import List, Optional, Tuple

from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from tec_mm.engine.refusal import ConfigError

# What a checkpoint keeps of such a scheduler: where it is, not its settings.
POSITION = ('_global_step', 'last_step', 'base_values', '_last_value')


class StepDefinedParamScheduler(_ParamScheduler):
    """A scheduler whose value at a step depends on the step and on the
    config only, never on the previous value.

    MMEngine's schedulers save all their attributes and a resumed run takes
    them back, settings included; these save only their position
    (:data:`POSITION`), so a run resumed with other settings — a larger
    ``max_epochs``, a decay that starts at the resumed epoch — goes on with
    the settings of its own config, from the global step it resumes at.

    Subclasses define :meth:`_get_value` from ``self.last_step`` and name in
    ``EPOCH_ARGS`` their arguments that are lengths in epochs, scaled to
    iterations by ``convert_to_iter_based=True``.
    """

    EPOCH_ARGS: Tuple[str, ...] = ()

    @classmethod
    def build_iter_from_epoch(cls, *args, begin: int = 0, end: int = INF,
                              by_epoch: bool = True,
                              epoch_length: Optional[int] = None,
                              **kwargs) -> 'StepDefinedParamScheduler':
        """The iteration-based scheduler of an epoch-based config (what
        ``convert_to_iter_based=True`` builds): ``begin``, ``end`` and the
        ``EPOCH_ARGS`` are scaled by the epoch length."""
        if not by_epoch or not epoch_length:
            raise ConfigError('convert_to_iter_based needs by_epoch=True and '
                              'the length of an epoch')
        for name in cls.EPOCH_ARGS:
            if kwargs.get(name) is not None:
                kwargs[name] = kwargs[name] * epoch_length
        return cls(*args, begin=int(begin * epoch_length),
                   end=end if end == INF else int(end * epoch_length),
                   by_epoch=False, **kwargs)

    def state_dict(self) -> dict:
        """The scheduler's position (its settings come from the config)."""
        return {key: getattr(self, key) for key in POSITION}

    def load_state_dict(self, state_dict: dict) -> None:
        """Resume at the saved global step with this config's settings.

        MMEngine ends a scheduler at the run's last step (the runner fills
        ``end`` from ``max_epochs``) and stops counting there; the position
        is taken from the global step instead, and the value of the step the
        run resumes at is set, so that the run goes on as an uninterrupted
        run of this config would.

        Args:
            state_dict (dict): The saved scheduler state (MMEngine's full
                state is accepted too: only the position is read).
        """
        for key in POSITION:
            setattr(self, key, state_dict[key])
        self.last_step = self._global_step - self.begin
        if self.begin <= self._global_step < self.end:
            values: List[float] = self._get_value()
            for group, value in zip(self.optimizer.param_groups, values):
                group[self.param_name] = value
            self._last_value = values
