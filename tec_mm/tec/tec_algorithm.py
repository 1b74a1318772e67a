"""TEC: Target-Enhanced Conditional pretraining."""
from typing import Any, Callable, Dict, List, Optional, Union

import torch
from mmpretrain.models import BaseSelfSupervisor
from mmpretrain.structures import DataSample
from torch import nn

from tec_mm.registry import MODELS
from tec_mm.engine.compile_ready import plain_drop_probs
from tec_mm.engine.config_keys import check_config_keys
from tec_mm.engine.refusal import ConfigError
from .base_targets import BaseTargets
from .shared_dimensions import fill_base_sizes, fill_dimensions


@MODELS.register_module()
class TECAlgorithm(BaseSelfSupervisor):
    """TEC self-supervisor.

    Implementation of `Towards Sustainable Self-supervised Learning
    <https://arxiv.org/abs/2210.11016>`_. A frozen base model makes
    patch-relation enhanced targets from the full image; the new model
    (``backbone``) sees the masked image; a conditional adapter (``neck``)
    selected by the base model fuses all encoder blocks; the head decodes
    features and attention and computes ``loss_fea`` and ``loss_att``.

    The base models are kept outside the module tree: they are not in
    ``parameters()`` (so not optimised, nor synchronised by DDP), not in
    ``state_dict()`` (so not saved; they are reloaded from their checkpoint
    paths), and ``train()`` does not reach them. Device and dtype moves
    (``.to()``, ``.cuda()``) do.

    Several base models: ``target_generator`` maps names to base configs,
    e.g. ``dict(mae=dict(type='PatchRelationTarget', checkpoint=...),
    ibot=dict(...))``. Every iteration, each process's batch is cut into as
    many contiguous, near-equal parts as there are bases, in that order; each
    base makes the targets of its part and the part goes through that base's
    adapter and prediction layers. Each loss is the parts' losses weighted by
    their share of the batch. So every adapter is trained at every step
    (DDP needs no ``find_unused_parameters``) and the base models together
    cost one base forward per image, as with one base.

    Multi-mask (``num_masks=M``, as in data2vec 2.0): the base models run
    once per image and the new model on M independently masked copies of
    the batch; each loss is the mean over the M views. The new model's cost
    grows M-fold, the base's does not.

    Args:
        backbone (dict): Config of the new model's encoder (:class:`TECViT`).
        neck (dict): Config of the :class:`ConditionalAdapter` (or of
            :class:`LastBlockNeck`, the ablation without adapter).
        head (dict): Config of the :class:`TECReconstructionHead`.
        target_generator (dict): Config of the :class:`PatchRelationTarget`,
            or a dict of them keyed by base name.
        num_masks (int): Masked views of each image per step, M. Defaults
            to 1.
        mask_sampler (dict, optional): Config of the masks' sampler, called
            with the bases' CLS attention (V*B x N) and the mask ratio for
            the noise that masks each view (V*B x N), e.g.
            ``dict(type='HardMaskSampler', candidates=4)``
            (:mod:`tec_mm.efficient_training.hard_masks`). Defaults to None:
            uniform random masks drawn by the encoder, as MAE's.
        data_preprocessor (dict, optional): Defaults to
            ``SelfSupDataPreprocessor``.
        init_cfg (dict | list, optional): Initialisation config.

    The adapter's and decoders' widths, depth, patch count, base names and
    target head count, and the bases' image size, come from ``backbone``
    and the base models (:mod:`tec_mm.tec.shared_dimensions`); a config
    need not repeat them.

    Raises:
        ValueError: A section uses a key its tec_mm module does not take
            (see :func:`check_config_keys`), sets a shared dimension to
            another value, or a base model does not fit.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 target_generator: Union[dict, nn.Module],
                 num_masks: int = 1,
                 mask_sampler: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        if not isinstance(num_masks, int) or num_masks < 1:
            raise ConfigError(f'model.num_masks={num_masks!r} must be a '
                              'positive integer')
        sections = dict(backbone=backbone, neck=neck, head=head,
                        target_generator=target_generator,
                        mask_sampler=mask_sampler)
        for section, cfg in sections.items():
            check_config_keys(cfg, f'model.{section}')
        # The bases' weights come from their checkpoints: building them
        # draws nothing from the global generator, so the new model's
        # initialisation does not depend on which bases it learns from.
        with torch.random.fork_rng():
            bases = build_base_models(
                fill_base_sizes(target_generator, backbone))
        if isinstance(backbone, dict):
            neck, head = fill_dimensions(
                backbone, neck, head,
                {name: base.embed_dims for name, base in bases.items()},
                next(iter(bases.values())).num_heads)
        # Built here with tec_mm's registry, which also sees MMPretrain's.
        backbone, neck, head = (
            m if isinstance(m, nn.Module) else MODELS.build(m)
            for m in (backbone, neck, head))
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.num_masks = num_masks
        self.mask_sampler = None if mask_sampler is None else \
            MODELS.build(mask_sampler)
        if mask_sampler is not None and not self.head.with_attention:
            raise ConfigError(
                f'model.mask_sampler={mask_sampler!r} scores masks by the '
                "base's attention, which this model does not use "
                '(model.head.attention_loss is None); leave it out')
        # object.__setattr__ bypasses nn.Module registration on purpose.
        object.__setattr__(self, 'base_models', bases)
        for module in (self, *bases.values()):
            plain_drop_probs(module)
        for base in self.base_models.values():
            self._check_compatible(base)

    def _check_compatible(self, base: nn.Module) -> None:
        """Refuse a base model whose targets the new model cannot predict."""
        new, decoder = self.backbone, self.head.decoder
        problems = []
        grid = tuple(s // base.target_patch_size for s in base.img_size)
        if grid != tuple(new.patch_resolution):
            problems.append(
                f'patch grid: the base\'s targets come on a {grid} grid '
                f'(patch {base.architecture.patch_size}, resampled for '
                f'patch {base.target_patch_size}), the new model has '
                f'{new.patch_resolution}: build the base with '
                'target_patch_size equal to model.backbone.patch_size')
        if base.with_attention != self.head.with_attention:
            problems.append(
                f'attention target: base with_attention={base.with_attention}'
                f', head attention_loss set={self.head.with_attention}')
        elif base.with_attention and base.num_heads != decoder.target_heads:
            problems.append(f'heads: base {base.num_heads}, decoder '
                            f'target_heads {decoder.target_heads} '
                            '(model.head.decoder.target_heads)')
        adapters = getattr(self.neck, 'adapters', None)  # None: no adapter
        if adapters is not None and base.name not in adapters:
            problems.append(f'no adapter for base {base.name!r} (adapters: '
                            f'{list(adapters)}; model.neck.base_names)')
        if problems:
            raise ConfigError(f'Base model {base.name!r} ({base.checkpoint}) '
                              'and the new model do not fit: ' +
                              '; '.join(problems) + '.')

    def _apply(self, fn: Callable, recurse: bool = True) -> 'TECAlgorithm':
        """Apply ``fn`` (device/dtype moves) to the base models too."""
        super()._apply(fn, recurse)
        for base in self.base_models.values():
            base._apply(fn, recurse)
        return self

    def extract_feat(self, inputs: torch.Tensor) -> Any:
        """Features of the new model on unmasked images."""
        return self.backbone(inputs, mask=None)

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Compute TEC's losses on a batch: the bases' targets
        (:meth:`make_targets`), then the new model's reconstruction of them
        (:meth:`reconstruct`).

        Args:
            inputs (torch.Tensor): Images, B x C_in x H x W (the same view
                goes to the base model and, masked ``num_masks`` times, to
                the new model).
            data_samples (List[DataSample]): Unused.

        Returns:
            Dict[str, torch.Tensor]: ``loss_fea`` and ``loss_att``, each the
            mean over the masked views.
        """
        return self.reconstruct(inputs, self.make_targets(inputs))

    def make_targets(self, inputs: torch.Tensor) -> List[BaseTargets]:
        """The base models' targets: one forward of each base over its part
        of the batch (contiguous, near-equal parts in the bases' order).

        Args:
            inputs (torch.Tensor): Images, B x C_in x H x W.

        Returns:
            List[BaseTargets]: One per base, of its B_part images.
        """
        n = len(self.base_models)
        if len(inputs) < n:
            raise ValueError(f'a batch of {len(inputs)} images cannot be '
                             f'shared by {n} base models; raise the batch '
                             'size')
        return [base(images) for base, images in zip(
            self.base_models.values(), inputs.tensor_split(n))]

    def reconstruct(self, inputs: torch.Tensor,
                    targets: List[BaseTargets]) -> Dict[str, torch.Tensor]:
        """The new model's losses on ``num_masks`` masked views of
        ``inputs`` against ``targets`` (of :meth:`make_targets` on the same
        images).

        Args:
            inputs (torch.Tensor): Images, B x C_in x H x W.
            targets (List[BaseTargets]): One per base, of its part.

        Returns:
            Dict[str, torch.Tensor]: ``loss_fea`` and ``loss_att``, each the
            mean over the masked views.
        """
        n, views = len(self.base_models), self.num_masks
        parts = inputs.tensor_split(n)
        targets = [{k: v.repeat(views, *[1] * (v.dim() - 1))
                    for k, v in t.items()} for t in targets]
        noise = None
        if self.mask_sampler is not None:
            noise = self.mask_sampler(
                torch.cat([t['cls_attention'].unflatten(0, (views, -1))
                           for t in targets], dim=1).flatten(0, 1),
                self.backbone.mask_ratio)
        # One backbone pass over the views, view-major: V*B images.
        feats, mask, ids = self.backbone(inputs.repeat(views, 1, 1, 1),
                                         noise=noise)

        def by_base(x: torch.Tensor) -> tuple:
            """V*B x ... -> per base part: V*B_part x ... (view-major)."""
            return tuple(p.flatten(0, 1) for p in x.unflatten(
                0, (views, len(inputs))).tensor_split(n, dim=1))

        losses: Dict[str, torch.Tensor] = {}
        for name, images, part_targets, part_feats, part_mask, part_ids in zip(
                self.base_models, parts, targets,
                zip(*(by_base(f) for f in feats)), by_base(mask),
                by_base(ids)):
            part = self.head.loss(self.neck(part_feats, name), part_ids,
                                  part_mask, part_targets, name)
            share = len(images) / len(inputs)
            for key, value in part.items():
                losses[key] = losses.get(key, 0.) + share * value
        return losses


def build_base_models(cfg: Union[dict, nn.Module]) -> Dict[str, nn.Module]:
    """Build the base model, or the base models keyed by name.

    Args:
        cfg (dict | nn.Module): One :class:`PatchRelationTarget` (config or
            module) or a dict of them keyed by base name.

    Returns:
        Dict[str, nn.Module]: The base models by name, in config order.
    """
    if isinstance(cfg, nn.Module) or 'type' in cfg:
        cfg = {None: cfg}
    bases = {}
    for name, base in cfg.items():
        if not isinstance(base, nn.Module):
            base = dict(base)
            if name is not None and base.setdefault('name', name) != name:
                raise ValueError(f'target_generator.{name} has name='
                                 f'{base["name"]!r}; leave it out or make '
                                 'it match its key')
            base = MODELS.build(base)
        bases[base.name] = base
    return bases
