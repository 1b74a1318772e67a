"""One training step of a pretraining config, outside a runner: the model
and optimizer wrapper of the config (TEC with a random base of the new
model's size) and a batch of random images, as the throughput and memory
benchmarks time and count it."""
import os.path as osp
from typing import Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.models import VisionTransformer
from mmpretrain.structures import DataSample

from tec_mm.engine import make_compile_ready
from tec_mm.registry import MODELS

from .runs import ROOT


def random_base(tec_cfg: Config) -> VisionTransformer:
    """A random ViT of the new model's size, the base of a TEC step (its
    weights do not change the step's cost)."""
    backbone = tec_cfg.model.backbone
    return VisionTransformer(
        arch=backbone.arch, img_size=backbone.img_size,
        patch_size=backbone.patch_size,
        in_channels=backbone.get('in_channels', 3))


def build_model(config: str, base: Optional[VisionTransformer] = None,
                base_dtype: Optional[str] = None,
                num_masks: Optional[int] = None,
                base_compiled: bool = False) -> Tuple[BaseModel, Config]:
    """The model of a pretraining config (a path under the repository or
    absolute), TEC's target generator on ``base``.

    Args:
        config (str): The config.
        base (VisionTransformer, optional): TEC's base (default: a
            :func:`random_base`). Unused for other algorithms.
        base_dtype (str, optional): Autocast dtype of TEC's base.
        num_masks (int, optional): Masked views per image (TEC; default:
            the config's).
        base_compiled (bool): Compile TEC's base on its own
            (``target_generator.compile=True``). Defaults to False.

    Returns:
        tuple: The model (weights initialised) and the config.
    """
    cfg = Config.fromfile(osp.join(ROOT, config))
    init_default_scope('tec_mm')
    model_cfg = dict(cfg.model, data_preprocessor=cfg.data_preprocessor)
    if 'target_generator' in model_cfg:
        model_cfg['target_generator'] = dict(
            model_cfg['target_generator'],
            checkpoint=random_base(cfg) if base is None else base,
            autocast_dtype=base_dtype, compile=base_compiled)
        if num_masks is not None:
            model_cfg['num_masks'] = num_masks
    model = MODELS.build(model_cfg)
    model.init_weights()
    return model, cfg


def build_wrapper(model: BaseModel, cfg: Config, device: str, bf16: bool,
                  compiled: bool = False,
                  fused: bool = False) -> OptimWrapper:
    """The config's optimizer in a wrapper, with ``bf16`` one that
    autocasts in bfloat16: MMEngine's ``AmpOptimWrapper`` on a GPU (the
    configs' path), ``tec_mm.BF16OptimWrapper`` on a CPU; ready to have
    ``train_step`` compiled with ``compiled`` and with ``fused`` AdamW."""
    optimizer = dict(cfg.optim_wrapper.optimizer)
    if fused:
        optimizer['fused'] = True
    wrapper = dict(type='OptimWrapper', optimizer=optimizer)
    if bf16 and device == 'cuda':
        wrapper.update(type='AmpOptimWrapper', dtype='bfloat16')
    elif bf16:
        wrapper['type'] = 'tec_mm.BF16OptimWrapper'
    wrapper = build_optim_wrapper(model, wrapper)
    make_compile_ready(model, wrapper, compiled)
    return wrapper


def random_batch(cfg: Config, batch: int) -> dict:
    """``batch`` random uint8 images of the config's size and their (empty)
    data samples, as a data loader gives them to ``train_step``."""
    backbone = cfg.model.backbone
    patch_cfg = backbone.get('patch_cfg', {})
    channels = backbone.get('in_channels', patch_cfg.get('in_channels', 3))
    shape = (batch, channels, backbone.img_size, backbone.img_size)
    return dict(inputs=torch.randint(0, 256, shape, dtype=torch.uint8),
                data_samples=[DataSample() for _ in range(batch)])
