"""Frozen encoders of pretraining configs and their Fashion-MNIST features."""
from typing import Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint
from mmengine.runner.utils import set_random_seed

from tec_mm.engine import mmengine_checkpoints
from tec_mm.evaluation import extract_pooled_features
from tec_mm.registry import MODELS

Features = Tuple[torch.Tensor, torch.Tensor]


def build_frozen_encoder(cfg: Config,
                         checkpoint: Optional[str],
                         base_checkpoint: Optional[str] = None) -> BaseModel:
    """Build a pretraining config's model with its trained weights.

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


def fashion_mnist_features(
        model: BaseModel,
        data_root: str,
        split: str,
        indices: Optional[int] = None,
        batch_size: int = 1000) -> Features:
    """Average-pooled last-block features of un-augmented Fashion-MNIST.

    Args:
        model (BaseModel): A frozen encoder (see :func:`build_frozen_encoder`).
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
        base_checkpoint: Optional[str] = None,
        train_images: Optional[int] = None,
        test_images: Optional[int] = None) -> Tuple[Features, Features]:
    """Features of a frozen encoder on both Fashion-MNIST splits.

    Args:
        cfg (Config): The encoder's pretraining config (its ``data_root``
            holds the idx files).
        checkpoint (str, optional): Its checkpoint; None for random init.
        base_checkpoint (str, optional): The base of a TEC config.
        train_images (int, optional): The first N training images; None for
            all 60k.
        test_images (int, optional): The first N test images; None for all
            10k.

    Returns:
        Tuple[Features, Features]: (features, labels) of the training and
        of the test images.
    """
    model = build_frozen_encoder(cfg, checkpoint, base_checkpoint)
    return (fashion_mnist_features(model, cfg.data_root, 'train',
                                   train_images),
            fashion_mnist_features(model, cfg.data_root, 'test',
                                   test_images))
