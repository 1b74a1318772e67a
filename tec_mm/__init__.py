"""tec_mm: TEC (Target-Enhanced Conditional pretraining) for MMPretrain.

Packages: ``tec`` (the paper's parts), ``base_models`` (checkpoint formats),
``export`` (plain-ViT export), ``downstream`` (fine-tuning, MMSeg, MMDet
parts), ``efficient_training`` (faster pretraining schedules),
``gated_subnetworks`` (dense and gated encoders co-trained), ``engine``
(hooks, precision, checkpoint I/O, launch), ``datasets`` (checked image
loading, Fashion-MNIST) and ``evaluation`` (kNN and linear probes).
Every public name is also a top-level name here.
"""
from .engine import *  # noqa: F401,F403  (also: safe checkpoint loading)
from .datasets import *  # noqa: F401,F403
from .base_models import *  # noqa: F401,F403
from .tec import *  # noqa: F401,F403
from .base_models.tec_format import fold_cls_mlp  # noqa: F401
from .export import export_backbone, save_backbone  # noqa: F401
from .downstream import *  # noqa: F401,F403
from .efficient_training import *  # noqa: F401,F403
from .gated_subnetworks import *  # noqa: F401,F403
from .evaluation import *  # noqa: F401,F403

__version__ = '0.1.0'
