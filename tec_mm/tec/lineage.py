"""Where a TEC model comes from: its bases, their generations and the
config, recorded in every checkpoint of the run."""
import hashlib
import os.path as osp
from typing import Dict, List

from mmengine.hooks import Hook

from tec_mm.base_models.tec_format import LINEAGE, Lineage, LineageBase
from tec_mm.registry import HOOKS


def sha256(path: str) -> str:
    """SHA-256 of a file, read in 16 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 24), b''):
            digest.update(block)
    return digest.hexdigest()


def lineage(bases: Dict[str, object], config: str) -> Lineage:
    """The lineage of a model trained from ``bases``.

    Args:
        bases (dict): The :class:`PatchRelationTarget` models by name.
        config (str): The run's config file.

    Returns:
        Lineage: ``generation`` (one more than the newest base's),
        ``bases`` (name, path, generation and the file's sha256) and
        ``config``.
    """
    entries: List[LineageBase] = []
    for name, base in bases.items():
        path = base.checkpoint
        entries.append(LineageBase(
            name=name, path=path, generation=base.generation,
            sha256=sha256(path) if osp.isfile(path) else None))
    return Lineage(generation=1 + max(e['generation'] for e in entries),
                   bases=entries, config=config)


@HOOKS.register_module()
class LineageHook(Hook):
    """Put the model's lineage into ``meta['lineage']`` of every checkpoint,
    so that a TEC model used as the next base knows its generation
    (:func:`tec_mm.base_models.read_base_checkpoint` reads it back).
    Models without base models (MAE) are left alone."""

    def before_train(self, runner) -> None:
        model = getattr(runner.model, 'module', runner.model)
        bases = getattr(model, 'base_models', None)
        self.record = lineage(bases, runner.cfg.filename) if bases else None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.record is not None:
            checkpoint.setdefault('meta', {})[LINEAGE] = self.record
