"""A learning-rate schedule that ends before its run, or a warm-up longer
than the run, refused before training."""
from typing import Any, List, Optional, Tuple

from .refusal import ConfigError


def _schedulers(cfg: Any) -> List[Tuple[int, dict]]:
    """(index, config) of each learning-rate scheduler of ``cfg``."""
    found = cfg.get('param_scheduler') or []
    found = [found] if isinstance(found, dict) else list(found)
    return [(i, s) for i, s in enumerate(found)
            if isinstance(s, dict) and str(s.get('type', '')).endswith('LR')]


def _length(cfg: Any) -> Optional[Tuple[str, float, bool]]:
    """The run's length key, its value and whether it counts epochs."""
    train_cfg = cfg.get('train_cfg') or {}
    if 'max_epochs' in train_cfg:
        return 'max_epochs', train_cfg['max_epochs'], True
    if 'max_iters' in train_cfg:
        return 'max_iters', train_cfg['max_iters'], False
    return None


def check_schedule(cfg: Any) -> None:
    """Refuse a run that goes on past the end of its last learning-rate
    scheduler (it would train at the schedule's last value, e.g. lr ≈ 0
    after a cosine that ended early), or whose warm-up (the first
    scheduler, beginning at 0) ends after the run.

    Only schedulers that count in the run's unit are compared (``by_epoch``
    ones in an epoch-based run, the others in an iteration-based run); one
    without ``end`` follows the run's length (MMEngine sets it).

    Args:
        cfg (Config): A training config.

    Raises:
        ConfigError: One line naming both keys and the fix.
    """
    length = _length(cfg)
    if length is None:
        return
    key, total, by_epoch = length
    timed = [(i, s) for i, s in _schedulers(cfg)
             if s.get('by_epoch', True) == by_epoch]
    ends = [(s['end'], i) for i, s in timed if 'end' in s]
    if len(ends) == len(timed) and ends and max(ends)[0] < total:
        end, i = max(ends)
        raise ConfigError(
            f'train_cfg.{key}={total} runs past param_scheduler[{i}].end='
            f'{end}: from {end} on it would train at the schedule\'s last '
            f'learning rate; set param_scheduler[{i}].end (and its T_max) '
            f'to {total}, or leave end out so that it follows train_cfg.'
            f'{key}')
    for i, s in timed:
        if 'end' not in s and s.get('begin', 0) >= total:
            raise ConfigError(
                f'param_scheduler[{i}].begin={s["begin"]} is not before the '
                f'end of the run, train_cfg.{key}={total}, where this '
                f'scheduler (without end) would end: set param_scheduler[{i}]'
                '.begin to the end of the warm-up, or lengthen the run')
    for i, s in timed:
        if s.get('warmup', 0) > total:  # WarmupStableDecayLR
            warmup = (f'param_scheduler[{i}].warmup', s['warmup'])
            break
        if i == 0 and len(timed) > 1 and s.get('begin', 0) == 0 and \
                s.get('end', 0) > total:
            warmup = ('param_scheduler[0].end', s['end'])
            break
    else:
        return
    raise ConfigError(
        f'the warm-up {warmup[0]}={warmup[1]} is longer than the run, '
        f'train_cfg.{key}={total}: shorten the warm-up or lengthen the run')
