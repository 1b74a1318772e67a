"""The paper's parts: one concept per file."""
from .base_targets import BaseTargets
from .conditional_adapter import ConditionalAdapter, EncoderAdapter
from .last_block_neck import LastBlockNeck
from .lineage import LineageHook
from .losses import AttentionRelationLoss, PatchNormMSELoss, patch_normalize
from .patch_relation_target import PatchRelationTarget
from .tec_algorithm import TECAlgorithm
from .tec_decoder import TECDecoder, unshuffle
from .tec_reconstruction_head import TECReconstructionHead
from .tec_vit import TECViT

__all__ = [
    'AttentionRelationLoss', 'BaseTargets', 'ConditionalAdapter', 'EncoderAdapter',
    'LastBlockNeck', 'LineageHook', 'patch_normalize', 'PatchNormMSELoss',
    'PatchRelationTarget', 'TECAlgorithm', 'TECDecoder',
    'TECReconstructionHead', 'TECViT', 'unshuffle'
]
