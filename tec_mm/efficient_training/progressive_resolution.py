"""A matched progressive schedule of image resolution and augmentation
magnitude (Koçyiğit, Hospedales & Bilen, WACV 2023): small, weakly
augmented images early, both rising together."""
import copy
from typing import Dict, List, Optional

from mmengine.dataset import Compose
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmpretrain.models import MAEViT
from mmpretrain.models.necks import MAEPretrainDecoder

from tec_mm.engine.refusal import ConfigError
from tec_mm.registry import HOOKS, TRANSFORMS


@HOOKS.register_module()
class ProgressiveResolutionHook(Hook):
    """Rebuild the training pipeline at each stage of a progression.

    Each stage names the epoch it begins at and, per transform type of the
    training pipeline, the arguments it takes from then on, e.g. the crop
    size of ``RandomResizedCrop`` (the resolution) with its
    ``crop_ratio_range`` (how strong the crop is) or ``RandAugment``'s
    ``magnitude_level``::

        custom_hooks = [dict(
            type='ProgressiveResolutionHook',
            stages=[
                dict(begin=0, RandomResizedCrop=dict(
                    scale=16, crop_ratio_range=(0.8, 1.0))),
                dict(begin=2, RandomResizedCrop=dict(
                    scale=28, crop_ratio_range=(0.5, 1.0))),
            ])]

    The stage is a function of the epoch alone, so a resumed run continues
    the progression where it was. For a ViT a smaller image means fewer
    tokens: :class:`TECViT` and the base model interpolate their position
    embeddings to the current grid, the TEC decoders take the sin-cos
    embedding of that grid, the base's K scales with the patch count
    (:meth:`PatchRelationTarget.top_k_at`) and the mask keeps its ratio.
    MMPretrain's MAE takes :class:`ResizableMAEViT` and
    :class:`ResizableMAEPretrainDecoder` for that (its own are refused).
    The batch size stays that of the config: a changed epoch length would
    move every iteration-based schedule.

    Args:
        stages (List[dict]): ``begin`` (epoch; the first stage begins at 0)
            and ``{transform type: {argument: value}}`` per stage.
    """

    priority = 'NORMAL'

    def __init__(self, stages: List[dict]) -> None:
        if not stages or stages[0].get('begin') != 0:
            raise ConfigError('ProgressiveResolutionHook: the first stage '
                              'must begin at epoch 0 (begin=0)')
        begins = [stage.get('begin') for stage in stages]
        if any(not isinstance(b, int) for b in begins) or \
                begins != sorted(set(begins)):
            raise ConfigError('ProgressiveResolutionHook: stage begins '
                              f'{begins} must be increasing epochs')
        for stage in stages:
            for name, args in stage.items():
                if name != 'begin' and not isinstance(args, dict):
                    raise ConfigError(
                        f'ProgressiveResolutionHook: stage {stage["begin"]}: '
                        f'{name}={args!r} must be a dict of arguments of the '
                        f'{name} transform')
        self.stages = stages
        self.pipeline: Optional[List[dict]] = None

    def stage_at(self, epoch: int) -> dict:
        """The stage in force at ``epoch`` (0-based)."""
        return [s for s in self.stages if s['begin'] <= epoch][-1]

    def pipeline_at(self, epoch: int) -> List[dict]:
        """The training pipeline's configs at ``epoch``."""
        stage = self.stage_at(epoch)
        return [dict(t, **stage.get(t['type'], {})) for t in self.pipeline]

    def before_train(self, runner) -> None:
        """Check the dataloader and keep the configured pipeline."""
        loader = runner.train_dataloader
        if getattr(loader, 'persistent_workers', False):
            raise ConfigError(
                'ProgressiveResolutionHook changes the pipeline between '
                'epochs, which persistent workers never see: set '
                'train_dataloader.persistent_workers=False')
        pipeline = runner.cfg.get('train_dataloader', {}).get(
            'dataset', {}).get('pipeline')
        if pipeline is None or not hasattr(loader.dataset, 'pipeline'):
            raise ConfigError(
                'ProgressiveResolutionHook needs a dataset with its own '
                'pipeline at train_dataloader.dataset.pipeline')
        model = getattr(runner.model, 'module', runner.model)
        fixed = [f'model.{name} ({cls.__name__})'
                 for name, cls in (('backbone', MAEViT),
                                   ('neck', MAEPretrainDecoder))
                 if type(getattr(model, name, None)) is cls]
        if fixed:
            raise ConfigError(
                'ProgressiveResolutionHook cannot change the grid of '
                f'{" and ".join(fixed)}: it adds the training grid\'s '
                "position embedding to every input; use type="
                "'ResizableMAEViT' and 'ResizableMAEPretrainDecoder'")
        self.pipeline = copy.deepcopy(list(pipeline))
        types = {t['type'] for t in self.pipeline}
        for stage in self.stages:
            missing = set(stage) - {'begin'} - types
            if missing:
                raise ConfigError(
                    f'ProgressiveResolutionHook: stage {stage["begin"]} sets '
                    f'{sorted(missing)}, which the training pipeline does '
                    f'not have (it has {sorted(types)})')

    def before_train_epoch(self, runner) -> None:
        """Put the current stage's pipeline into the dataset."""
        stage = self.stage_at(runner.epoch)
        runner.train_dataloader.dataset.pipeline = Compose(
            [TRANSFORMS.build(t) for t in self.pipeline_at(runner.epoch)])
        changes: Dict[str, dict] = {k: v for k, v in stage.items()
                                    if k != 'begin'}
        print_log(f'Progressive stage from epoch {stage["begin"] + 1}: '
                  f'{changes}', logger='current')
