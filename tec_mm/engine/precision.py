"""Mixed-precision settings that follow the machine the job runs on."""
import torch
from mmengine.config import Config
from mmengine.logging import print_log


def use_amp(cfg: Config) -> None:
    """Switch the optimizer wrapper to ``AmpOptimWrapper`` (dynamic scale).

    Args:
        cfg (Config): The config, changed in place.
    """
    if cfg.optim_wrapper.get('type', 'OptimWrapper') != 'AmpOptimWrapper':
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')


def fall_back_to_fp32_without_cuda(cfg: Config) -> None:
    """Train in fp32 where there is no CUDA device.

    MMEngine's ``AmpOptimWrapper`` asserts on CPU, so a config written for
    GPUs (fp16 AMP) would not start on a CPU machine; it runs in fp32 there
    instead, with a warning.

    Args:
        cfg (Config): The config, changed in place.
    """
    wrapper = cfg.get('optim_wrapper', {})
    if wrapper.get('type') == 'AmpOptimWrapper' and \
            not torch.cuda.is_available():
        print_log(
            'No CUDA device: AmpOptimWrapper replaced by OptimWrapper '
            '(fp32 training).',
            logger='current',
            level=30)
        wrapper.type = 'OptimWrapper'
        for key in ('loss_scale', 'dtype', 'use_fsdp'):
            wrapper.pop(key, None)
