"""Dense and gated sub-network co-trained in one pretraining run (Krishna
et al., BMVC 2023), for MMPretrain's MAE and for TEC."""
from typing import Any, Dict, List

import torch
from mmengine.logging import MessageHub
from mmpretrain.models import MAE
from mmpretrain.structures import DataSample
from tec_mm.registry import MODELS
from tec_mm.tec.base_targets import BaseTargets
from tec_mm.tec.tec_algorithm import TECAlgorithm

from .gating_losses import annealing, budget_loss, density_loss


class GatedCoTraining:
    """Two passes of one encoder each step, sharing its weights: the dense
    network and its gated sub-network, each trained by the algorithm's own
    objective on its own random mask (TEC: both predict the base's targets;
    MAE: both reconstruct the pixels). The gated pass adds the budget loss
    ``budget_weight * (r - target_density)^2`` on its MAC ratio ``r`` and
    the density bounds of each block, annealed by
    ``p = exp(-anneal_rate * epoch)`` (see ``gating_losses``). The paper's
    VICReg term between the gated and the dense view becomes the shared
    target: in masked modelling both paths already regress the same target
    of the same image, so no term is added between their features (they see
    different tokens). Losses are the algorithm's with ``_dense`` and
    ``_gated`` appended, ``loss_budget`` and ``loss_density``;
    ``mac_ratio`` is logged. The encoder must be gated
    (:class:`GatedViTMixin`); outside ``loss`` it runs dense. What both
    passes share is made once per step (:meth:`shared_targets`: TEC's base
    runs once per image, not once per pass).

    Args:
        target_density (float): The budget t_d, gated / dense MACs.
            Defaults to 0.5.
        budget_weight (float): lambda. Defaults to 5.
        density_weight (float): gamma. Defaults to 1.
        anneal_rate (float): Rate of the bounds' annealing per epoch.
            Defaults to 0.02.
        *args, **kwargs: Arguments of the algorithm.
    """

    def __init__(self, *args, target_density: float = 0.5,
                 budget_weight: float = 5., density_weight: float = 1.,
                 anneal_rate: float = 0.02, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not 0 < target_density <= 1:
            raise ValueError(f'target_density={target_density} must be in '
                             '(0, 1]')
        if not hasattr(self.backbone, 'set_gating'):
            raise ValueError(
                f'{type(self).__name__} needs a gated encoder (GatedMAEViT, '
                f'GatedTECViT), got {type(self.backbone).__name__}')
        self.target_density = target_density
        self.budget_weight, self.density_weight = budget_weight, \
            density_weight
        self.anneal_rate = anneal_rate

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """The algorithm's losses for the dense and the gated pass, and the
        gated pass's budget and density losses.

        Args:
            inputs (torch.Tensor): Images, B x C x H x W.
            data_samples (List[DataSample]): Their data samples.

        Returns:
            Dict[str, torch.Tensor]: The losses and ``mac_ratio``.
        """
        losses = {}
        shared = self.shared_targets(inputs)
        for name, gating in (('dense', False), ('gated', True)):
            self.backbone.set_gating(gating)
            parts = self.one_pass(inputs, data_samples, shared, **kwargs)
            losses.update({f'{k}_{name}': v for k, v in parts.items()})
        ratio, densities = self.backbone.gate_statistics()
        self.backbone.set_gating(False)
        epoch = MessageHub.get_current_instance().get_info('epoch', 0)
        losses['loss_budget'] = budget_loss(ratio, self.target_density,
                                            self.budget_weight)
        losses['loss_density'] = density_loss(
            densities, self.target_density,
            annealing(epoch, self.anneal_rate), self.density_weight)
        losses['mac_ratio'] = ratio.mean().detach()
        return losses


    def shared_targets(self, inputs: torch.Tensor) -> Any:
        """What both passes reconstruct, made once per step; None: each pass
        makes its own (MAE's pixels come with the pass).

        Args:
            inputs (torch.Tensor): Images, B x C x H x W.
        """
        return None

    def one_pass(self, inputs: torch.Tensor, data_samples: List[DataSample],
                 shared: Any, **kwargs) -> Dict[str, torch.Tensor]:
        """The algorithm's losses of one pass (with the gating as set).

        Args:
            inputs (torch.Tensor): Images, B x C x H x W.
            data_samples (List[DataSample]): Their data samples.
            shared: What :meth:`shared_targets` made.

        Returns:
            Dict[str, torch.Tensor]: The algorithm's losses.
        """
        return super().loss(inputs, data_samples, **kwargs)


@MODELS.register_module()
class GatedMAE(GatedCoTraining, MAE):
    """MMPretrain's MAE co-training a dense and a gated encoder (see
    :class:`GatedCoTraining`)."""


@MODELS.register_module()
class GatedTECAlgorithm(GatedCoTraining, TECAlgorithm):
    """TEC co-training a dense and a gated encoder (see
    :class:`GatedCoTraining`): the bases' targets are made once per step
    and both passes reconstruct them."""

    def shared_targets(self, inputs: torch.Tensor) -> List[BaseTargets]:
        """The bases' targets (:meth:`TECAlgorithm.make_targets`)."""
        return self.make_targets(inputs)

    def one_pass(self, inputs: torch.Tensor, data_samples: List[DataSample],
                 shared: List[BaseTargets],
                 **kwargs) -> Dict[str, torch.Tensor]:
        """TEC's reconstruction of the shared targets."""
        return self.reconstruct(inputs, shared)
