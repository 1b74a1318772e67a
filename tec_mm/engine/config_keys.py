"""Refusing unknown keys in the config sections of tec_mm's modules."""
import difflib
import inspect
from typing import Any, List

from tec_mm.registry import MODELS
from .refusal import ConfigError


def _accepted(cls: type) -> List[str]:
    """Keyword arguments of ``cls``; empty when it takes ``**kwargs``."""
    params = inspect.signature(cls.__init__).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return []
    return [p.name for p in params if p.name != 'self']


def check_config_keys(cfg: Any, where: str) -> None:
    """Raise on a key that a tec_mm module of ``cfg`` does not take.

    Walks ``cfg`` and the configs nested in it (dicts with a ``type``, also
    inside lists and inside dicts of them); a config whose class is one of
    tec_mm's registered modules and does not take ``**kwargs`` may only use
    that class's argument names. Other classes (MMPretrain's, MMEngine's)
    are left to their own checks.

    Args:
        cfg (Any): A module config, or anything holding some.
        where (str): Its place in the config, such as ``'model.head'``,
            for the message.

    Raises:
        ValueError: Naming the section, the unknown key, the closest
            accepted name and all accepted names.
    """
    if isinstance(cfg, (list, tuple)):
        for i, item in enumerate(cfg):
            check_config_keys(item, f'{where}[{i}]')
        return
    if not isinstance(cfg, dict):
        return
    cls = MODELS.get(cfg['type']) if isinstance(cfg.get('type'), str) \
        else None
    own = cls is not None and cls.__module__.startswith('tec_mm.')
    accepted = _accepted(cls) if own else []
    for key, value in cfg.items():
        if accepted and key not in ('type', '_scope_', *accepted):
            close = difflib.get_close_matches(key, accepted, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ''
            raise ConfigError(
                f'{where}: unknown key {key!r} for {cls.__name__}{hint}; '
                f'accepted: {sorted(accepted)}')
        check_config_keys(value, f'{where}.{key}')
