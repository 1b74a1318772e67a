from .attention_relation_loss import AttentionRelationLoss
from .patch_norm_mse_loss import PatchNormMSELoss, patch_normalize

__all__ = ['AttentionRelationLoss', 'PatchNormMSELoss', 'patch_normalize']
