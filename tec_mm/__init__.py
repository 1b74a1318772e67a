"""tec_mm: TEC (Target-Enhanced Conditional pretraining) for MMPretrain."""
from .engine import *  # noqa: F401,F403  (also: safe checkpoint loading)
from .datasets import *  # noqa: F401,F403
from .evaluation import *  # noqa: F401,F403
from .models import *  # noqa: F401,F403

__version__ = '0.1.0'
