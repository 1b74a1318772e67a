"""TEC: Target-Enhanced Conditional pretraining."""
from typing import Any, Callable, Dict, List, Optional, Union

import torch
from mmpretrain.models import BaseSelfSupervisor
from tec_mm.registry import MODELS
from mmpretrain.structures import DataSample
from torch import nn


@MODELS.register_module()
class TECAlgorithm(BaseSelfSupervisor):
    """TEC self-supervisor.

    Implementation of `Towards Sustainable Self-supervised Learning
    <https://arxiv.org/abs/2210.11016>`_. A frozen base model makes
    patch-relation enhanced targets from the full image; the new model
    (``backbone``) sees the masked image; a conditional adapter (``neck``)
    selected by the base model fuses all encoder blocks; the head decodes
    features and attention and computes ``loss_fea`` and ``loss_att``.

    The base model (``target_generator``) is kept outside the module tree:
    it is not in ``parameters()`` (so not optimised, nor synchronised by
    DDP), not in ``state_dict()`` (so not saved; it is reloaded from its
    checkpoint path), and ``train()`` does not reach it. Device and dtype
    moves (``.to()``, ``.cuda()``) do.

    Args:
        backbone (dict): Config of the new model's encoder (:class:`TECViT`).
        neck (dict): Config of the :class:`ConditionalAdapter`.
        head (dict): Config of the :class:`TECReconstructionHead`.
        target_generator (dict): Config of the :class:`PatchRelationTarget`.
        data_preprocessor (dict, optional): Defaults to
            ``SelfSupDataPreprocessor``.
        init_cfg (dict | list, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 target_generator: Union[dict, nn.Module],
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        # Built here with tec_mm's registry, which also sees MMPretrain's.
        backbone, neck, head, target_generator = (
            m if isinstance(m, nn.Module) else MODELS.build(m)
            for m in (backbone, neck, head, target_generator))
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        # object.__setattr__ bypasses nn.Module registration on purpose.
        object.__setattr__(self, 'target_generator', target_generator)
        self._check_compatible()

    def _check_compatible(self) -> None:
        """Refuse a base model whose targets the new model cannot predict."""
        base, new = self.target_generator, self.backbone
        decoder = self.head.decoder
        problems = []
        if base.embed_dims != new.embed_dims:
            problems.append(f'feature dim: base {base.embed_dims}, new model '
                            f'{new.embed_dims}')
        if base.patch_resolution != new.patch_resolution:
            problems.append(f'patch grid: base {base.patch_resolution}, new '
                            f'model {new.patch_resolution}')
        if base.with_attention != self.head.with_attention:
            problems.append(
                f'attention target: base with_attention={base.with_attention}'
                f', head attention_loss set={self.head.with_attention}')
        elif base.with_attention and base.num_heads != decoder.target_heads:
            problems.append(f'heads: base {base.num_heads}, decoder '
                            f'target_heads {decoder.target_heads}')
        if base.name not in self.neck.adapters:
            problems.append(f'no adapter for base {base.name!r} (adapters: '
                            f'{list(self.neck.adapters)})')
        if problems:
            raise ValueError('The base model and the new model do not fit: ' +
                             '; '.join(problems) +
                             '. Make model.backbone, model.neck and model.head '
                             'match model.target_generator.')

    def _apply(self, fn: Callable, recurse: bool = True) -> 'TECAlgorithm':
        """Apply ``fn`` (device/dtype moves) to the base model too."""
        super()._apply(fn, recurse)
        self.target_generator._apply(fn, recurse)
        return self

    def extract_feat(self, inputs: torch.Tensor) -> Any:
        """Features of the new model on unmasked images."""
        return self.backbone(inputs, mask=None)

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Compute TEC's losses on a batch.

        Args:
            inputs (torch.Tensor): Images, B x C_in x H x W (the same view
                goes to the base model and, masked, to the new model).
            data_samples (List[DataSample]): Unused.

        Returns:
            Dict[str, torch.Tensor]: ``loss_fea`` and ``loss_att``.
        """
        targets = self.target_generator(inputs)
        feats, mask, ids_restore = self.backbone(inputs)
        base = self.target_generator.name
        latent = self.neck(feats, base)
        return self.head.loss(latent, ids_restore, mask, targets, base)
