"""Layer-wise learning-rate decay for a ViT anywhere inside a model."""
from functools import partial
from typing import Callable, List, Tuple

from mmpretrain.engine.optimizers import \
    LearningRateDecayOptimWrapperConstructor
from torch import nn

from tec_mm.registry import OPTIM_WRAPPER_CONSTRUCTORS


def find_layer_depth(model: nn.Module) -> Callable[[str], Tuple[int, int]]:
    """The layer-depth function of the first module that defines one.

    Args:
        model (nn.Module): The whole model (MMEngine has already taken a
            DDP wrapper's ``module``).

    Returns:
        Callable: ``name -> (depth, num_depths)`` for a parameter name of
        ``model``; names outside that module get the last depth.

    Raises:
        TypeError: No module of ``model`` has ``get_layer_depth``.
    """
    for name, module in model.named_modules():
        if name and hasattr(module, 'get_layer_depth'):
            return partial(module.get_layer_depth, prefix=name + '.')
    raise TypeError(
        f'layer-wise lr decay needs a backbone with get_layer_depth (such as '
        f'mmpretrain.VisionTransformer); none found in {type(model).__name__}')


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(
        LearningRateDecayOptimWrapperConstructor):
    """Layer-wise lr decay for mmpretrain's ViT inside any OpenMMLab model.

    MMPretrain's :class:`LearningRateDecayOptimWrapperConstructor` asks the
    top-level model for ``get_layer_depth``, which an
    ``ImageClassifier`` has but MMSegmentation's ``EncoderDecoder`` and
    MMDetection's ``MaskRCNN`` do not; MMSeg's and MMDet's own constructors
    only know their own backbones. This one takes the depths from the first
    submodule that defines ``get_layer_depth`` (the backbone), whatever the
    model around it: patch embedding, CLS token and position embedding are
    depth 0, block ``i`` depth ``i + 1``, everything else (final norm,
    necks, heads) the last depth ``L + 1``, and a parameter at depth ``d``
    gets ``lr * layer_decay_rate ** (L + 1 - d)``. ``paramwise_cfg`` is read
    as in MMPretrain's constructor (``layer_decay_rate``,
    ``flat_decay_mult``, ``norm_decay_mult``, ``bias_decay_mult``,
    ``custom_keys`` with ``decay_mult``).

    Example:
        >>> optim_wrapper = dict(
        >>>     constructor='tec_mm.LayerDecayOptimWrapperConstructor',
        >>>     optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05),
        >>>     paramwise_cfg=dict(layer_decay_rate=0.65, flat_decay_mult=0.))
    """

    def add_params(self,
                   params: List[dict],
                   module: nn.Module,
                   prefix: str = '',
                   **kwargs) -> None:
        """Add the parameters of ``module`` with their lr and weight decay.

        Args:
            params (list[dict]): Parameter groups, extended in place.
            module (nn.Module): The model (at the top-level call).
            prefix (str): Name prefix of ``module``'s parameters.
            **kwargs: ``get_layer_depth`` in the recursive calls.
        """
        if prefix == '' and 'get_layer_depth' not in kwargs:
            kwargs['get_layer_depth'] = (
                module.get_layer_depth if hasattr(module, 'get_layer_depth')
                else find_layer_depth(module))
        super().add_params(params, module, prefix=prefix, **kwargs)
