"""Frozen encoders of pretraining runs, as the plain ViTs their export
gives, and their Fashion-MNIST features; the whole pretraining model where
a measurement needs it (training FLOPs, a base's targets, gates)."""
from typing import Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint
from mmengine.runner.utils import set_random_seed
from mmpretrain.models import VisionTransformer

from tec_mm.base_models import infer_architecture, read_base_checkpoint
from tec_mm.engine import mmengine_checkpoints
from tec_mm.evaluation import extract_pooled_features
from tec_mm.registry import MODELS

Features = Tuple[torch.Tensor, torch.Tensor]


def build_pretraining_model(
        cfg: Config, checkpoint: Optional[str],
        base_checkpoint: Optional[str] = None) -> BaseModel:
    """Build a pretraining config's whole model with its trained weights.

    Args:
        cfg (Config): A pretraining config (MMPretrain's ``MAE`` or
            :class:`TECAlgorithm`); not modified.
        checkpoint (str, optional): Its checkpoint, loaded strictly; None
            gives the config's random initialisation under seed 0 (the same
            random encoder on every call).
        base_checkpoint (str, optional): The base model of a TEC config.

    Returns:
        BaseModel: The model in eval mode.
    """
    init_default_scope(cfg.default_scope)
    if not MMLogger.check_instance_created('tec_frozen_encoder'):
        MMLogger.get_instance('tec_frozen_encoder', log_level='WARNING')
    model_cfg = dict(cfg.model, data_preprocessor=cfg.data_preprocessor)
    if base_checkpoint is not None:
        model_cfg['target_generator'] = dict(
            model_cfg['target_generator'], checkpoint=base_checkpoint)
    set_random_seed(0)
    model = MODELS.build(model_cfg)
    if checkpoint is None:
        model.init_weights()
    else:
        with mmengine_checkpoints():
            load_checkpoint(model, checkpoint, map_location='cpu',
                            strict=True, logger='current')
    return model.eval()


class ExportedEncoder(BaseModel):
    """A plain ViT behind a data preprocessor, read as a frozen encoder.

    Args:
        backbone (VisionTransformer): The encoder, ``out_type='raw'``.
        data_preprocessor (dict): Config of the pretraining run's one.
    """

    def __init__(self, backbone: VisionTransformer,
                 data_preprocessor: dict) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.backbone = backbone

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor]:
        """The last block's normed tokens, B x (1+N) x C (in a tuple)."""
        return self.backbone(inputs)

    def forward(self, inputs: torch.Tensor, data_samples=None,
                mode: str = 'tensor') -> Tuple[torch.Tensor]:
        """Only ``mode='tensor'``: :meth:`extract_feat`."""
        if mode != 'tensor':
            raise ValueError(f'a frozen encoder has no {mode!r} mode')
        return self.extract_feat(inputs)


def exported_encoder(cfg: Config,
                     checkpoint: Optional[str]) -> ExportedEncoder:
    """The encoder of a pretraining run as the plain MMPretrain ViT that
    ``tools/export_backbone.py`` writes (a TEC encoder's CLS MLP folded into
    its CLS token), behind the config's data preprocessor; a TEC run's base
    is not built.

    Args:
        cfg (Config): The run's pretraining config; its backbone's ``arch``
            gives the head count, the weights the rest.
        checkpoint (str, optional): The run's checkpoint; None gives the
            config's random initialisation under seed 0 (an MAE config).

    Returns:
        ExportedEncoder: In eval mode.
    """
    source = checkpoint if checkpoint is not None else \
        build_pretraining_model(cfg, None)
    weights = read_base_checkpoint(source)
    arch = infer_architecture(weights, cfg.model.backbone.get('arch'))
    vit = VisionTransformer(**arch.plain_vit_kwargs(), out_type='raw')
    vit.load_state_dict(weights.state, strict=True)
    init_default_scope(cfg.default_scope)
    return ExportedEncoder(vit, cfg.data_preprocessor).eval()


def fashion_mnist_features(
        model: BaseModel,
        data_root: str,
        split: str,
        indices: Optional[int] = None,
        batch_size: int = 1000) -> Features:
    """Average-pooled last-block features of un-augmented Fashion-MNIST.

    Args:
        model (BaseModel): A frozen encoder (:func:`exported_encoder`, or a
            pretraining model of :func:`build_pretraining_model`).
        data_root (str): Folder of the idx files.
        split (str): ``'train'`` or ``'test'``.
        indices (int, optional): The first ``indices`` images only; None for
            the whole split.
        batch_size (int): Images per forward. Defaults to 1000.

    Returns:
        Tuple[torch.Tensor, torch.Tensor]: Features N x C and labels N.
    """
    loader = Runner.build_dataloader(
        dict(
            batch_size=batch_size,
            num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='default_collate'),
            dataset=dict(
                type='LocalFashionMNIST',
                data_root=data_root,
                split=split,
                indices=indices,
                pipeline=[dict(type='PackInputs')])))
    return extract_pooled_features(model, loader)


def frozen_features(
        cfg: Config,
        checkpoint: Optional[str],
        train_images: Optional[int] = None,
        test_images: Optional[int] = None) -> Tuple[Features, Features]:
    """Features of a frozen encoder on both Fashion-MNIST splits.

    Args:
        cfg (Config): The encoder's pretraining config (its ``data_root``
            holds the idx files).
        checkpoint (str, optional): Its checkpoint; None for random init.
        train_images (int, optional): The first N training images; None for
            all 60k.
        test_images (int, optional): The first N test images; None for all
            10k.

    Returns:
        Tuple[Features, Features]: (features, labels) of the training and
        of the test images.
    """
    model = exported_encoder(cfg, checkpoint)
    return (fashion_mnist_features(model, cfg.data_root, 'train',
                                   train_images),
            fashion_mnist_features(model, cfg.data_root, 'test',
                                   test_images))
