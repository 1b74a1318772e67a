"""Peak memory of a training step without the device it is meant for: the
step runs on fake tensors (no data, no compute) and every tensor storage
alive is counted, from the model's weights to the optimizer's states."""
import weakref
from typing import Any, Dict, Iterable, Optional

import torch
from torch import nn
from torch._subclasses.fake_tensor import FakeTensorMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

from .training_step import build_model, build_wrapper, random_batch


class LiveMemory(TorchDispatchMode):
    """Bytes of the tensor storages alive, and their peak, while the mode
    is on: each storage an operation returns is counted once (views share
    it) until it is freed.

    What it leaves out is what a CUDA allocator adds: the blocks it caches
    and fragments, and the libraries' workspaces.
    """

    def __init__(self) -> None:
        super().__init__()
        self._alive: Dict[int, weakref.finalize] = {}
        self.now = 0
        self.peak = 0

    def count(self, tensors: Iterable[Any]) -> None:
        """Count the storages of ``tensors`` (other objects are skipped),
        e.g. the weights that exist before the mode starts."""
        for tensor in tensors:
            if not isinstance(tensor, torch.Tensor):
                continue
            storage = tensor.untyped_storage()
            key = id(storage)
            if key in self._alive:
                continue
            size = storage.nbytes()
            self.now += size
            self.peak = max(self.peak, self.now)
            self._alive[key] = weakref.finalize(storage, self._free, key,
                                                size)

    def _free(self, key: int, size: int) -> None:
        self.now -= size
        self._alive.pop(key, None)

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.count(tree_leaves(out))
        return out


def to_fake(model: nn.Module, mode: FakeTensorMode) -> None:
    """Replace the weights and buffers of ``model`` by fake tensors of
    ``mode`` in place (same shapes, dtypes and ``requires_grad``)."""
    for module in model.modules():
        for name, param in module._parameters.items():
            if param is not None:
                module._parameters[name] = nn.Parameter(
                    mode.from_tensor(param.detach()),
                    requires_grad=param.requires_grad)
        for name, buffer in module._buffers.items():
            if buffer is not None:
                module._buffers[name] = mode.from_tensor(buffer)


def step_memory(config: str, batch: Optional[int] = None,
                num_masks: Optional[int] = None) -> Dict[str, Any]:
    """Bytes alive in the second training step of ``config``.

    Args:
        config (str): A pretraining config.
        batch (int, optional): Images per GPU (default: the config's).
        num_masks (int, optional): TEC's masked views per image (default:
            the config's).

    Returns:
        dict: ``peak`` and ``between_steps`` (weights, buffers and AdamW's
        states; the gradients are freed) in bytes, ``batch``,
        ``num_masks`` and ``bf16``.
    """
    model, cfg = build_model(config, num_masks=num_masks)
    batch = batch or cfg.train_dataloader.batch_size
    bf16 = cfg.optim_wrapper.get('type') == 'AmpOptimWrapper'
    # the frozen base runs in inference mode, where a fake weight reaches
    # the fake mode as an ordinary tensor: allowed, and counted already
    mode = FakeTensorMode(allow_non_fake_inputs=True)
    to_fake(model, mode)
    with mode:
        wrapper = build_wrapper(model, cfg, 'cpu', bf16)
        data = random_batch(cfg, batch)
        with LiveMemory() as memory:
            memory.count([*model.parameters(), *model.buffers()])
            model.train_step(data, wrapper)  # AdamW's states appear
            memory.peak = memory.now
            model.train_step(data, wrapper)
    return dict(peak=memory.peak, between_steps=memory.now, batch=batch,
                num_masks=getattr(model, 'num_masks', 1), bf16=bf16)
