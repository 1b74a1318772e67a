from .checkpoint_loading import SAFE_CHECKPOINT_GLOBALS, load_checkpoint_file
from .precision import fall_back_to_fp32_without_cuda, use_amp

__all__ = [
    'SAFE_CHECKPOINT_GLOBALS', 'fall_back_to_fp32_without_cuda',
    'load_checkpoint_file', 'use_amp'
]
