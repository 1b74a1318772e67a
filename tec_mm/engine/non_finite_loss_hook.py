"""Stopping a run at its first non-finite loss."""
import math
from typing import Any, Optional

import torch
from mmengine.hooks import Hook

from tec_mm.registry import HOOKS
from .refusal import NonFiniteLoss


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop training when a logged loss term is NaN or infinite.

    Runs after every training iteration, before the checkpoint hook (higher
    priority), so the weights the bad step produced are never saved and the
    last checkpoint on disk is the last good one. The error names the
    iteration and every loss term with its value.
    """

    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner: Any,
                         batch_idx: int,
                         data_batch: Optional[Any] = None,
                         outputs: Optional[dict] = None) -> None:
        """Raise ``FloatingPointError`` when a loss in ``outputs`` is not
        finite.

        Args:
            runner (Runner): The runner.
            batch_idx (int): Index of the batch in the epoch.
            data_batch (Any, optional): The batch.
            outputs (dict, optional): The log variables of the train step
                (``loss`` and each term), floats or scalar tensors.
        """
        terms = {k: float(torch.as_tensor(v).detach())
                 for k, v in (outputs or {}).items()
                 if 'loss' in k}
        if all(math.isfinite(v) for v in terms.values()):
            return
        values = ', '.join(f'{k}={v}' for k, v in terms.items())
        message = (f'non-finite loss at iteration {runner.iter + 1} '
                   f'(epoch {runner.epoch + 1}): {values}. Training stopped; '
                   'the last checkpoint in the work dir is from before it. '
                   'Lower the lr or check the data and the base model, then '
                   'resume with --resume.')
        runner.logger.error(message)
        raise NonFiniteLoss(message)
