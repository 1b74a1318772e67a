"""The frozen base model and TEC's patch-relation enhanced targets."""
import contextlib
from typing import Dict, Optional, Tuple, Union

import torch
from mmengine.logging import print_log
from mmpretrain.models import VisionTransformer
from mmpretrain.models.utils import resize_pos_embed
from tec_mm.engine.compile_ready import plain_drop_probs
from tec_mm.engine.refusal import ConfigError
from tec_mm.registry import MODELS
from torch import nn

from tec_mm.base_models import (BaseCheckpoint, BaseCheckpointError,
                                check_weight_values, infer_architecture,
                                read_base_checkpoint, resize_grid)
from .base_targets import BaseTargets
from .grid_resampling import resample_targets
from .patch_relations import last_block_with_relations


@MODELS.register_module()
class PatchRelationTarget(VisionTransformer):
    """A frozen, pretrained ViT that produces TEC's targets.

    The base model runs on the full, unmasked image in inference mode (no
    autograd record, optionally in a lower precision) and returns:

    - ``feature`` (B x N x C): the patch tokens of the last ``last_layers``
      block outputs, averaged; raw block outputs, no final LayerNorm.
    - ``attention`` (B x (K+1) x H x N): the last block's pre-softmax
      attention logits ``q k^T / sqrt(d_head)`` of the CLS query and of the
      ``top_k`` patch queries that the head-averaged CLS row ranks highest,
      against the N patch keys (CLS key dropped).
    - ``indices`` (B x K): those top-K patch indices, in [0, N).
      At an input size other than ``img_size`` the grid follows the input
      (position embeddings interpolated) and K scales with the patch count
      (:meth:`top_k_at`). A base of another patch size than the new model's
      gives targets resampled to the new model's grid
      (``target_patch_size``).
    - ``cls_attention`` (B x N): the CLS query's attention over the
      patches (softmax of its row, averaged over heads), which hard-mask
      mining (:mod:`tec_mm.efficient_training.hard_masks`) scores masks
      with.

    The weights and the architecture come from ``checkpoint`` (any format
    of :mod:`tec_mm.base_models`); the position grid is resized to
    ``img_size`` once, at load, by the format's own convention. The module
    keeps ``requires_grad=False`` and eval mode whatever ``train()`` is
    called with. :class:`TECAlgorithm` keeps it outside its module tree, so
    it is neither optimised, synchronised across processes nor saved in TEC
    checkpoints.

    Args:
        checkpoint (str | dict | nn.Module): The base model: its checkpoint
            file, a checkpoint or state dict in memory, or a built ViT
            (see :func:`tec_mm.base_models.read_base_checkpoint`).
        name (str): The base model's name; it selects the conditional adapter
            and prediction layers trained against it. Defaults to ``'mae'``.
        arch (str | dict, optional): Read from the checkpoint when None. A
            value given must agree with it; ``num_heads`` (which weights do
            not record) defaults to the published count of the width.
            Defaults to None.
        img_size (int): Training resolution. Defaults to 224.
        patch_size (int, optional): Checked against the checkpoint when
            given. Defaults to None.
        last_layers (int): Number of last blocks averaged into the feature
            target (``k``). Defaults to 2.
        top_k (int): Number of patch rows of the attention target (``K``).
            Defaults to 15.
        with_attention (bool): Whether to produce the attention target.
            Defaults to True.
        target_patch_size (int, optional): The new model's patch size; when
            it is not the base's, the targets are resampled to the new
            model's grid (:func:`resample_targets`). ``TECAlgorithm`` sets
            it. Defaults to None (the base's own grid).
        autocast_dtype (str, optional): Run the base under autocast in this
            dtype (``'bfloat16'`` or ``'float16'``) on its device, whatever
            the training precision; the targets come back in float32. None
            follows the surrounding autocast (the training precision).
            Defaults to None.
        compile (bool | dict): Compile the base's forward for inference on
            its own (``torch.compile``; a dict gives its options, e.g.
            ``dict(mode='max-autotune')``), for a step that runs eagerly (a
            step compiled whole, MMEngine's ``compile=True``, traces the
            base with it). Defaults to False.
    """

    def __init__(self,
                 checkpoint: Union[str, dict, nn.Module, None],
                 name: str = 'mae',
                 arch: Union[str, dict, None] = None,
                 img_size: int = 224,
                 patch_size: Optional[int] = None,
                 last_layers: int = 2,
                 top_k: int = 15,
                 with_attention: bool = True,
                 target_patch_size: Optional[int] = None,
                 autocast_dtype: Optional[str] = None,
                 compile: Union[bool, dict] = False) -> None:
        if autocast_dtype not in (None, 'bfloat16', 'float16'):
            raise ValueError(f'autocast_dtype={autocast_dtype!r}: use None, '
                             "'bfloat16' or 'float16'")
        if not isinstance(compile, (bool, dict)):
            raise ValueError(f'compile={compile!r}: use True, False or a '
                             'dict of torch.compile options')
        if checkpoint is None:
            raise ConfigError(
                'PatchRelationTarget needs the base model checkpoint: set '
                '--cfg-options model.target_generator.checkpoint=PATH')
        ckpt = read_base_checkpoint(checkpoint)
        found = infer_architecture(ckpt, arch, patch_size)
        super().__init__(
            arch=found.arch_dict(),
            img_size=img_size,
            patch_size=found.patch_size,
            in_channels=found.in_channels,
            qkv_bias=found.qkv_bias,
            norm_cfg=dict(type='LN', eps=1e-6),
            final_norm=False,
            out_type='raw',
            with_cls_token=True,
            layer_scale_init_value=1e-5 if found.layer_scale else 0.)
        if not 1 <= last_layers <= self.num_layers:
            raise ValueError(f'last_layers={last_layers} must be in '
                             f'[1, {self.num_layers}]')
        num_patches = self.patch_resolution[0] * self.patch_resolution[1]
        if with_attention and not 1 <= top_k <= num_patches:
            raise ValueError(
                f'top_k={top_k} must be in [1, {num_patches}] patches')
        self.name = name
        self.checkpoint, self.generation = ckpt.path, ckpt.generation
        self.target_patch_size = target_patch_size or found.patch_size
        self.architecture = found
        self.last_layers = last_layers
        self.top_k = top_k
        self.with_attention = with_attention
        self.num_heads = found.num_heads
        self.autocast_dtype = autocast_dtype
        # torch.compile's options, or None to run eagerly; compiled at the
        # first call, per instance (a copy compiles its own)
        self.compile_options = ({} if compile is True else
                                compile if isinstance(compile, dict) else None)
        self._compiled = None
        if self.compile_options is not None:
            plain_drop_probs(self)
        self._load(ckpt)
        self.requires_grad_(False)
        self.train(False)

    def _load(self, ckpt: BaseCheckpoint) -> None:
        """Load the base weights; refuse missing or unexpected ones.

        Args:
            ckpt (BaseCheckpoint): The checkpoint read at construction.

        Raises:
            BaseCheckpointError: The weights do not fit this ViT.
        """
        state, dropped = dict(ckpt.state), list(ckpt.dropped)
        for key in ('ln1.weight', 'ln1.bias'):  # targets are raw outputs
            if state.pop(key, None) is not None:
                dropped.append(key)
        state['pos_embed'] = resize_grid(state['pos_embed'],
                                         self.architecture.grid,
                                         self.patch_resolution,
                                         self.architecture.grid_offset)
        own = self.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        mismatched = [
            f'{k}: checkpoint {tuple(state[k].shape)} vs model '
            f'{tuple(own[k].shape)}' for k in sorted(set(own) & set(state))
            if state[k].shape != own[k].shape
        ]
        if missing or unexpected or mismatched:
            raise BaseCheckpointError(
                f'{ckpt.path} ({ckpt.format}) does not fit a ViT of '
                f'{self.architecture}: missing keys {missing}, unexpected '
                f'keys {unexpected}, shape mismatches {mismatched}. '
                'Convert it with tools/convert_base_model.py to see what was '
                'detected.')
        check_weight_values(state, f'{ckpt.path} ({ckpt.format})')
        self.load_state_dict(state)
        print_log(
            f'Base model {self.name!r}: {ckpt.path} ({ckpt.format}), '
            f'{self.architecture}, {len(state)} tensors loaded, not used: '
            f'{dropped}',
            logger='current')

    @staticmethod
    def grid(x: torch.Tensor, patch_size: int) -> Tuple[int, int]:
        """The patch grid of images ``x`` at ``patch_size``."""
        return x.shape[-2] // patch_size, x.shape[-1] // patch_size

    def top_k_at(self, num_patches: int) -> int:
        """K at an input of ``num_patches`` patches: ``top_k`` at the
        training grid, scaled with the patch count at another (a progressive
        resolution schedule), at least 1.

        Args:
            num_patches (int): Patches of the current input, N.

        Returns:
            int: ``max(1, round(top_k * N / N_train))``.
        """
        full = self.patch_resolution[0] * self.patch_resolution[1]
        return max(1, round(self.top_k * num_patches / full))

    def init_weights(self) -> None:
        """Nothing to initialise: the weights come from ``checkpoint``."""

    def train(self, mode: bool = True) -> 'PatchRelationTarget':
        """Stay in eval mode: the base model is frozen."""
        return super().train(False)

    def forward(self, x: torch.Tensor) -> BaseTargets:
        """Compute the targets of a batch of images.

        Args:
            x (torch.Tensor): Images, B x C_in x H x W.

        Returns:
            BaseTargets: ``feature`` (B x N x C) and, with the attention
            target, ``attention`` (B x (K+1) x H x N), both float32,
            ``indices`` (B x K) and ``cls_attention`` (B x N). Ordinary
            tensors without grad, usable in the losses' autograd.
        """
        autocast = contextlib.nullcontext()
        if self.autocast_dtype is not None:
            autocast = torch.autocast(
                x.device.type, dtype=getattr(torch, self.autocast_dtype))
        # Inference mode is the faster eager path; a step compiled whole
        # cannot trace inference tensors made outside it, so it runs the
        # base under no_grad, traced with the step.
        compiling = torch.compiler.is_compiling()
        targets_of = self._resampled_targets
        if self.compile_options is not None and not compiling:
            if self._compiled is None:
                self._compiled = torch.compile(self._resampled_targets,
                                               **self.compile_options)
            targets_of = self._compiled
        with (torch.no_grad() if compiling else torch.inference_mode()), \
                autocast:
            targets = targets_of(x)
        # Copied outside inference mode: inference tensors cannot be saved
        # for backward, and the losses' autograd may save the targets.
        return {
            key: value.to(torch.float32, copy=not compiling)
            if value.is_floating_point() else
            (value if compiling else value.clone())
            for key, value in targets.items()
        }

    def __getstate__(self) -> dict:
        """The module's state without its compiled forward, which is bound
        to this instance (a copy or an unpickled module compiles its own)."""
        return dict(self.__dict__, _compiled=None)

    def _resampled_targets(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The targets on the new model's grid, computed in the caller's
        grad and autocast mode."""
        return resample_targets(
            self._targets(x), self.grid(x, self.architecture.patch_size),
            self.grid(x, self.target_patch_size))

    def _targets(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The targets, computed in the caller's grad and autocast mode."""
        B = x.shape[0]
        x, hw = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(B, -1, -1), x], dim=1)
        x = x + resize_pos_embed(
            self.pos_embed,
            self.patch_resolution,
            hw,
            mode=self.interpolate_mode,
            num_extra_tokens=self.num_extra_tokens)
        x = self.pre_norm(x)

        targets: Dict[str, torch.Tensor] = {}
        first_averaged = self.num_layers - self.last_layers
        feature = None
        for i, layer in enumerate(self.layers):
            if i == self.num_layers - 1 and self.with_attention:
                x = last_block_with_relations(
                    layer, x, self.top_k_at(x.shape[1] - 1), targets)
            else:
                x = layer(x)
            if i >= first_averaged:
                patches = x[:, self.num_extra_tokens:]
                feature = patches if feature is None else feature + patches
        targets['feature'] = feature / self.last_layers
        return targets
