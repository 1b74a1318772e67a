from .base_checkpoint import BaseCheckpointError, read_base_checkpoint
from .conditional_adapter import ConditionalAdapter, EncoderAdapter
from .losses import AttentionRelationLoss, PatchNormMSELoss, patch_normalize
from .patch_relation_target import PatchRelationTarget
from .tec_algorithm import TECAlgorithm
from .tec_decoder import TECDecoder, unshuffle
from .tec_reconstruction_head import TECReconstructionHead
from .tec_vit import TECViT

__all__ = [
    'AttentionRelationLoss', 'BaseCheckpointError', 'ConditionalAdapter',
    'EncoderAdapter', 'PatchNormMSELoss', 'PatchRelationTarget',
    'TECAlgorithm', 'TECDecoder', 'TECReconstructionHead', 'TECViT',
    'patch_normalize', 'read_base_checkpoint', 'unshuffle'
]
