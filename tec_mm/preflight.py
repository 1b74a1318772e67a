"""What a tool can refuse before MMEngine's runner starts: a config key no
tec_mm module takes, a base checkpoint that is not set or not there."""
from mmengine.config import Config

from tec_mm.base_models import check_base_file
from tec_mm.engine import ConfigError, check_config_keys


def preflight(cfg: Config) -> None:
    """Refuse a config's bad input before anything is built or logged.

    Args:
        cfg (Config): A training or test config.

    Raises:
        ConfigError: A tec_mm section has an unknown key, or a base model
            has no checkpoint set.
        MissingInput: A base checkpoint file is not there.
    """
    model = cfg.get('model')
    if not model:
        return
    check_config_keys(model, 'model')
    generators = model.get('target_generator')
    if not generators:
        return
    named = {None: generators} if 'type' in generators else generators
    for name, base in named.items():
        key = 'model.target_generator' + (f'.{name}' if name else '')
        if base.get('checkpoint') is None:
            raise ConfigError(f'{key}.checkpoint is not set: give the base '
                              f'model with --cfg-options {key}.checkpoint='
                              'PATH')
        if isinstance(base.checkpoint, str):
            check_base_file(base.checkpoint, key)
