"""Dense and gated sub-networks co-trained in one pretraining run
(Krishna et al., BMVC 2023), for ViTs: gates per block over attention heads
and MLP channel groups, the budget and density losses, and a gated encoder
that skips what its gates close."""
from .block_gates import BlockGates
from .gated_co_training import GatedCoTraining, GatedMAE, GatedTECAlgorithm
from .gated_encoder_layer import GatedEncoderLayer, add_gates
from .gated_macs import block_macs
from .gated_vit import GatedMAEViT, GatedTECViT, GatedViT, GatedViTMixin
from .gating_losses import (annealing, budget_loss, density_bounds,
                            density_loss)
from .gumbel_sigmoid import gumbel_sigmoid, logistic_noise

__all__ = ['BlockGates', 'GatedCoTraining', 'GatedEncoderLayer', 'GatedMAE',
           'GatedMAEViT', 'GatedTECAlgorithm', 'GatedTECViT', 'GatedViT',
           'GatedViTMixin', 'add_gates', 'annealing', 'block_macs',
           'budget_loss', 'density_bounds', 'density_loss', 'gumbel_sigmoid',
           'logistic_noise']
