from .atomic_save import (AtomicLocalBackend, replaced_on_success,
                          save_atomically)
from .bf16_optim_wrapper import BF16OptimWrapper
from .checkpoint_loading import (SAFE_CHECKPOINT_GLOBALS, load_checkpoint_file,
                                 mmengine_checkpoints)
from .compile_ready import (CompileReadyHook, make_compile_ready,
                            plain_drop_probs)
from .config_keys import check_config_keys
from .launch import add_runner_arguments, build_runner, load_config
from .non_finite_loss_hook import NonFiniteLossHook
from .pretrained_check import check_pretrained
from .precision import (cpu_bf16_autocast, fall_back_to_fp32_without_cuda,
                        use_amp)
from .random_state_hook import RandomStateHook
from .refusal import (ConfigError, InputError, MissingInput, NonFiniteLoss,
                      Refusal, quiet_config_reading, run_main)
from .resume_checkpoint import find_resume_checkpoint, is_complete_checkpoint
from .safe_checkpoint_hook import SafeCheckpointHook
from .schedule_check import check_schedule

__all__ = [
    'ConfigError', 'InputError', 'MissingInput', 'NonFiniteLoss', 'Refusal',
    'run_main', 'quiet_config_reading', 'AtomicLocalBackend',
    'replaced_on_success',
    'BF16OptimWrapper', 'CompileReadyHook', 'cpu_bf16_autocast',
    'NonFiniteLossHook', 'SafeCheckpointHook',
    'RandomStateHook', 'SAFE_CHECKPOINT_GLOBALS',
    'add_runner_arguments', 'build_runner', 'fall_back_to_fp32_without_cuda',
    'check_config_keys', 'check_pretrained', 'check_schedule', 'find_resume_checkpoint',
    'is_complete_checkpoint',
    'load_checkpoint_file', 'load_config', 'make_compile_ready',
    'mmengine_checkpoints',
    'plain_drop_probs', 'save_atomically', 'use_amp'
]
