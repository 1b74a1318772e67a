"""A checkpoint hook that never leaves a run without a complete
checkpoint."""
import os.path as osp
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from tec_mm.registry import HOOKS
from .atomic_save import AtomicLocalBackend


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """MMEngine's :class:`CheckpointHook`, in an order a kill cannot break.

    MMEngine's hook removes the checkpoint that ``max_keep_ckpts`` lets go
    *before* it writes the new one, and writes the new one and
    ``last_checkpoint`` in place: a kill or a full disk during the write
    leaves a cut-short file and, with ``max_keep_ckpts=1``, no complete
    checkpoint at all. This hook writes the new checkpoint through a
    temporary file (:class:`AtomicLocalBackend`, the default for local
    paths), then ``last_checkpoint`` the same way, and only then removes
    the old checkpoint. Every other argument and behaviour is MMEngine's.

    Args:
        backend_args (dict, optional): As MMEngine's; defaults to
            ``dict(backend='atomic_local')`` for a local ``out_dir``.
    """

    def __init__(self, *args, backend_args: Optional[dict] = None,
                 **kwargs) -> None:
        out_dir = kwargs.get('out_dir')
        if backend_args is None and '://' not in str(out_dir or ''):
            backend_args = dict(backend='atomic_local')
        super().__init__(*args, backend_args=backend_args, **kwargs)

    def _save_checkpoint_with_step(self, runner, step: int,
                                   meta: dict) -> None:
        """Write the checkpoint of ``step``, then ``last_checkpoint``, then
        remove the checkpoint beyond ``max_keep_ckpts``."""
        old = None
        if self.max_keep_ckpts > 0 and (not self.keep_ckpt_ids or
                                        self.keep_ckpt_ids[-1] != step):
            keep = self.keep_ckpt_ids  # MMEngine's, when it keeps a number
            if len(keep) == self.max_keep_ckpts:
                old = keep.popleft()
            keep.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(keep))
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir, filename, self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler, meta=meta,
            by_epoch=self.by_epoch, backend_args=self.backend_args,
            **self.args)
        if not is_main_process():
            return
        AtomicLocalBackend().put_text(
            self.last_ckpt, osp.join(runner.work_dir, 'last_checkpoint'))
        if old is not None:
            path = self.file_backend.join_path(self.out_dir,
                                               self.filename_tmpl.format(old))
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):
                self.file_backend.rmtree(path)
