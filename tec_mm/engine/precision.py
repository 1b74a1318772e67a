"""Mixed-precision settings that follow the machine the job runs on."""
import torch
from mmengine.config import Config
from mmengine.logging import print_log

AMP_DTYPES = {'fp16': 'float16', 'bf16': 'bfloat16'}


def use_amp(cfg: Config, dtype: str = 'fp16') -> None:
    """Switch the optimizer wrapper to ``AmpOptimWrapper``.

    Args:
        cfg (Config): The config, changed in place.
        dtype (str): ``'fp16'`` (dynamic loss scale) or ``'bf16'``.
            Defaults to ``'fp16'``.
    """
    wrapper = cfg.optim_wrapper
    wrapper.type = 'AmpOptimWrapper'
    wrapper.dtype = AMP_DTYPES[dtype]
    if dtype == 'fp16':
        wrapper.setdefault('loss_scale', 'dynamic')
    else:
        wrapper.pop('loss_scale', None)


def cpu_bf16_autocast() -> bool:
    """Whether this torch autocasts matrix products to bfloat16 on CPU."""
    try:
        with torch.autocast(device_type='cpu', dtype=torch.bfloat16):
            return torch.mm(torch.ones(1, 1),
                            torch.ones(1, 1)).dtype == torch.bfloat16
    except RuntimeError:
        return False


def fall_back_to_fp32_without_cuda(cfg: Config) -> None:
    """Adapt an ``AmpOptimWrapper`` config to a machine without CUDA.

    MMEngine's ``AmpOptimWrapper`` asserts on CPU, so a config written for
    GPUs would not start on a CPU machine. There, bfloat16 AMP becomes
    :class:`BF16OptimWrapper` (CPU autocast) where torch supports bfloat16
    on the CPU, and anything else runs in fp32; both with a warning.

    Args:
        cfg (Config): The config, changed in place.
    """
    wrapper = cfg.get('optim_wrapper', {})
    if wrapper.get('type') != 'AmpOptimWrapper' or torch.cuda.is_available():
        return
    bf16 = wrapper.get('dtype') in ('bfloat16', torch.bfloat16) and \
        cpu_bf16_autocast()
    wrapper.type = 'tec_mm.BF16OptimWrapper' if bf16 else 'OptimWrapper'
    print_log(
        f'No CUDA device: AmpOptimWrapper replaced by {wrapper.type} '
        + ('(bfloat16 autocast on the CPU).' if bf16 else '(fp32 training).'),
        logger='current',
        level=30)
    for key in ('loss_scale', 'dtype', 'use_fsdp'):
        wrapper.pop(key, None)
