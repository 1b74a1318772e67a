"""Any SSL checkpoint as a frozen ViT: the formats, the architecture they
describe, and their position-grid conventions."""
from .base_architecture import (BaseArchitecture, infer_architecture,
                                resize_grid)
from .base_checkpoint import (BaseCheckpoint, BaseCheckpointError,
                              check_base_file, check_weight_values,
                              read_base_checkpoint)

__all__ = [
    'BaseArchitecture', 'BaseCheckpoint', 'BaseCheckpointError',
    'check_base_file', 'check_weight_values', 'infer_architecture', 'read_base_checkpoint',
    'resize_grid'
]
