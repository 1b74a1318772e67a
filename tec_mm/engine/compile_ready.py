"""What MMEngine's ``compile=True`` needs to train a model of this plugin
(or MMPretrain's MAE) with torch 2.x.

MMEngine compiles the model's whole ``train_step``. Three things in it stop
TorchDynamo:

- MMPretrain's ViTs give each block's ``DropPath`` its rate from
  ``np.linspace``, so ``drop_prob`` is a numpy scalar; Dynamo guards it as a
  tensor made from numpy and then fails its own guard on the same frame
  (torch 2.14: "Guard failed on the same frame it was created"). A Python
  float is guarded as a constant.
- The optimizer step: MMEngine's registry hands the optimizer its parameter
  groups as ``ConfigDict`` s, which Dynamo cannot trace ("UserDefinedDict
  ... has no attribute 'items'"), and a compiled step with a scheduled lr
  would recompile at every new lr. The step and ``zero_grad`` run eagerly
  (fused AdamW is the fast step, ``optim_wrapper.optimizer.fused=True``);
  forward and backward are compiled.
- The data preprocessor: moving the data samples copies their metainfo, and
  Dynamo guards the copied tuples by identity, so every batch recompiled
  ``train_step`` until the recompile limit (then all of it ran eagerly). It
  runs eagerly; the model from its output on is compiled.
"""
import numbers
from typing import Iterator

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict
from torch import nn

from tec_mm.registry import HOOKS


def plain_drop_probs(model: nn.Module) -> int:
    """Turn every numpy ``drop_prob`` of ``model``'s modules into a float.

    Args:
        model (nn.Module): Any model (changed in place).

    Returns:
        int: How many modules were changed.
    """
    changed = 0
    for module in model.modules():
        value = getattr(module, 'drop_prob', None)
        if isinstance(value, np.generic) and isinstance(value.item(),
                                                        numbers.Real):
            module.drop_prob = float(value)
            changed += 1
    return changed


def _wrappers(optim_wrapper: OptimWrapper) -> Iterator[OptimWrapper]:
    if isinstance(optim_wrapper, OptimWrapperDict):
        yield from optim_wrapper.values()
    else:
        yield optim_wrapper


def make_compile_ready(model: nn.Module, optim_wrapper: OptimWrapper,
                       compiled: bool = True) -> None:
    """Ready ``model`` and its optimizer wrapper for a compiled
    ``train_step`` (see the module's docstring); with ``compiled=False``
    only turn the ``drop_prob`` s into floats.

    Args:
        model (nn.Module): The model, or MMEngine's wrapper of it.
        optim_wrapper (OptimWrapper): Its optimizer wrapper (or dict).
        compiled (bool): Whether ``train_step`` will be compiled.
    """
    model = model.module if is_model_wrapper(model) else model
    plain_drop_probs(model)
    if not compiled:
        return
    model.data_preprocessor.forward = torch.compiler.disable(
        model.data_preprocessor.forward)
    for wrapper in _wrappers(optim_wrapper):
        wrapper.step = torch.compiler.disable(wrapper.step)
        wrapper.zero_grad = torch.compiler.disable(wrapper.zero_grad)


@HOOKS.register_module()
class CompileReadyHook(Hook):
    """:func:`make_compile_ready` for a run, ``compiled`` as its config's
    ``compile``.

    It acts in ``before_train``, after MMEngine wrapped ``train_step`` for
    compilation and before its first call traces it.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        make_compile_ready(runner.model, runner.optim_wrapper,
                           bool(runner.cfg.get('compile')))
