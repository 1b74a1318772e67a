"""tec_mm: TEC (Target-Enhanced Conditional pretraining) for MMPretrain."""
from . import engine  # noqa: F401  (safe checkpoint loading)
from .datasets import *  # noqa: F401,F403
from .evaluation import *  # noqa: F401,F403
from .models import *  # noqa: F401,F403

__version__ = '0.1.0'
