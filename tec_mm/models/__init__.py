from .base_architecture import (BaseArchitecture, infer_architecture,
                                resize_grid)
from .backbone_export import export_backbone, fold_cls_mlp, save_backbone
from .base_checkpoint import (BaseCheckpoint, BaseCheckpointError,
                              read_base_checkpoint)
from .conditional_adapter import ConditionalAdapter, EncoderAdapter
from .last_block_neck import LastBlockNeck
from .losses import AttentionRelationLoss, PatchNormMSELoss, patch_normalize
from .patch_relation_target import PatchRelationTarget
from .simple_feature_pyramid import SimpleFeaturePyramid
from .tec_algorithm import TECAlgorithm
from .tec_decoder import TECDecoder, unshuffle
from .tec_reconstruction_head import TECReconstructionHead
from .tec_vit import TECViT

__all__ = [
    'AttentionRelationLoss', 'BaseArchitecture', 'BaseCheckpoint',
    'BaseCheckpointError', 'ConditionalAdapter', 'EncoderAdapter',
    'export_backbone', 'fold_cls_mlp', 'infer_architecture', 'LastBlockNeck',
    'patch_normalize', 'PatchNormMSELoss', 'PatchRelationTarget',
    'read_base_checkpoint', 'resize_grid', 'save_backbone',
    'SimpleFeaturePyramid',
    'TECAlgorithm', 'TECDecoder', 'TECReconstructionHead', 'TECViT',
    'unshuffle'
]
