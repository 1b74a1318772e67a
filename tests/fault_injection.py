"""A hook that SIGKILLs the training process in one phase of one iteration,
for tests/test_faults.py (tools/train.py imports it through the test
config's ``custom_imports``; the tests put this folder on PYTHONPATH)."""
import os
import signal

from mmengine.hooks import Hook

from tec_mm.engine import AtomicLocalBackend
from tec_mm.registry import HOOKS

PHASES = ('data', 'forward', 'backward', 'optimizer', 'checkpoint',
          'validation')


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class KillInPhase(Hook):
    """Kill the process in ``phase`` once ``iteration`` iterations are done
    (``checkpoint``: in the middle of the first checkpoint written after
    that, half of it on disk; ``validation``: in the first validation
    after that)."""

    def __init__(self, phase: str, iteration: int) -> None:
        assert phase in PHASES, phase
        self.phase, self.iteration = phase, iteration

    def due(self, runner) -> bool:
        return runner.iter >= self.iteration

    def hook(self, runner):
        """A torch hook (returning None: nothing changed) that kills."""

        def maybe_die(*args) -> None:
            if self.due(runner):
                die()

        return maybe_die

    def before_val_iter(self, runner, batch_idx, data_batch=None) -> None:
        if self.phase == 'validation' and self.due(runner):
            die()

    def before_train(self, runner) -> None:
        model = runner.model
        if self.phase == 'data':  # the main process loads (num_workers=0)
            dataset = runner.train_dataloader.dataset
            pipeline = dataset.pipeline

            def load(results):
                if self.due(runner):
                    die()
                return pipeline(results)

            dataset.pipeline = load
        elif self.phase == 'forward':
            model.register_forward_pre_hook(self.hook(runner))
        elif self.phase == 'backward':  # while the gradients are computed
            next(model.backbone.parameters()).register_hook(
                self.hook(runner))
        elif self.phase == 'optimizer':
            runner.optim_wrapper.optimizer.register_step_pre_hook(
                self.hook(runner))
        elif self.phase == 'checkpoint':
            put = AtomicLocalBackend.put

            def put_half_then_die(backend, obj, filepath):
                if not self.due(runner) or not str(filepath).endswith('.pth'):
                    return put(backend, obj, filepath)
                with open(f'{filepath}.tmp-{os.getpid()}', 'wb') as f:
                    f.write(obj[:len(obj) // 2])
                die()

            AtomicLocalBackend.put = put_half_then_die
