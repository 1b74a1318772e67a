from .checkpoint_loading import SAFE_CHECKPOINT_GLOBALS, load_checkpoint_file

__all__ = ['SAFE_CHECKPOINT_GLOBALS', 'load_checkpoint_file']
