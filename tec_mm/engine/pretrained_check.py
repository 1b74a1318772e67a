"""A fine-tuning or downstream run whose pretrained encoder is not set or
not there, refused before training (MMEngine would otherwise start from
random weights with a warning, or stop after building the model)."""
import os.path as osp
from typing import Any

from .refusal import ConfigError, MissingInput

KEY = 'model.backbone.init_cfg.checkpoint'


def check_pretrained(cfg: Any) -> None:
    """Refuse a ``Pretrained`` backbone initialisation without its file.

    Args:
        cfg (Config): A training config.

    Raises:
        ConfigError: ``model.backbone.init_cfg`` is ``Pretrained`` with no
            checkpoint.
        MissingInput: Its checkpoint is a local path with no file there.
    """
    backbone = (cfg.get('model') or {}).get('backbone') or {}
    init_cfg = backbone.get('init_cfg')
    if not isinstance(init_cfg, dict) or init_cfg.get('type') != 'Pretrained':
        return
    path = init_cfg.get('checkpoint')
    export = ('export the pretrained encoder with tools/export_backbone.py '
              f'and give it with --cfg-options {KEY}=PATH')
    if not path:
        raise ConfigError(f'{KEY} is not set: {export}')
    if '://' not in path and not osp.isfile(path):
        raise MissingInput(f'{KEY}={path!r} is not a file: {export}')
