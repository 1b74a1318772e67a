"""bfloat16 autocast that also runs on CPUs."""
from contextlib import contextmanager
from typing import Iterator

import torch
from mmengine.optim import OptimWrapper
from torch import nn

from tec_mm.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose forward runs under bfloat16 autocast.

    MMEngine's ``AmpOptimWrapper`` refuses to start without an accelerator;
    this one autocasts on the device the model's parameters are on, CPU
    included. bfloat16 has float32's exponent range, so no loss scaling is
    needed; parameters, gradients and optimizer state stay float32.
    """

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """Gradient-accumulation context plus bfloat16 autocast.

        Args:
            model (nn.Module): The training model.
        """
        device = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(
                device_type=device, dtype=torch.bfloat16):
            yield
