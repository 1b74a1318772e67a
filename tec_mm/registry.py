"""Registries of the ``tec_mm`` scope.

Each is a child of MMPretrain's registry of the same kind, so a config with
``default_scope = 'tec_mm'`` finds tec_mm's modules first and MMPretrain's
(then MMEngine's) otherwise. A config in any other scope (mmpretrain,
mmseg, mmdet) reaches them as ``type='tec_mm.<Name>'`` after
``custom_imports=dict(imports=['tec_mm'])``: from ``mmpretrain`` through
this child registry, from the other scopes (whose registries are siblings
of MMPretrain's, so ``tec_mm`` is not among their root's children) through
MMEngine's dotted-path fallback, which is why every registered class is
also a top-level name of the package.
"""
from mmengine.registry import Registry
from mmpretrain import registry as mmpretrain_registry


def _child(parent: Registry) -> Registry:
    """A ``tec_mm`` registry under the MMPretrain registry ``parent``;
    importing ``tec_mm`` registers every module."""
    return Registry(
        parent.name, parent=parent, scope='tec_mm', locations=['tec_mm'])


RUNNERS = _child(mmpretrain_registry.RUNNERS)
RUNNER_CONSTRUCTORS = _child(mmpretrain_registry.RUNNER_CONSTRUCTORS)
LOOPS = _child(mmpretrain_registry.LOOPS)
HOOKS = _child(mmpretrain_registry.HOOKS)
LOG_PROCESSORS = _child(mmpretrain_registry.LOG_PROCESSORS)
OPTIMIZERS = _child(mmpretrain_registry.OPTIMIZERS)
OPTIM_WRAPPERS = _child(mmpretrain_registry.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(
    mmpretrain_registry.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(mmpretrain_registry.PARAM_SCHEDULERS)
DATASETS = _child(mmpretrain_registry.DATASETS)
DATA_SAMPLERS = _child(mmpretrain_registry.DATA_SAMPLERS)
TRANSFORMS = _child(mmpretrain_registry.TRANSFORMS)
MODELS = _child(mmpretrain_registry.MODELS)
MODEL_WRAPPERS = _child(mmpretrain_registry.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(mmpretrain_registry.WEIGHT_INITIALIZERS)
BATCH_AUGMENTS = _child(mmpretrain_registry.BATCH_AUGMENTS)
TASK_UTILS = _child(mmpretrain_registry.TASK_UTILS)
METRICS = _child(mmpretrain_registry.METRICS)
EVALUATORS = _child(mmpretrain_registry.EVALUATORS)
VISUALIZERS = _child(mmpretrain_registry.VISUALIZERS)
VISBACKENDS = _child(mmpretrain_registry.VISBACKENDS)
