"""ViTDet's backbone (Li et al., "Exploring Plain Vision Transformer
Backbones for Object Detection", ECCV 2022) started from an exported
encoder: windowed attention with a few global blocks and decomposed
relative positions.

MMDetection ships ViTDet's backbone only in its ``projects/``, not in the
package. MMPretrain's ``ViTSAM`` computes the same blocks (SAM's image
encoder is ViTDet's backbone), so :class:`ViTDetBackbone` is ``ViTSAM``
without SAM's channel reduction, reading the plain-ViT export of
``tools/export_backbone.py`` with every key checked.
"""
from mmengine.logging import print_log
from mmpretrain.models import ViTSAM

from tec_mm.engine import InputError
from tec_mm.registry import MODELS
from .export_loading import (StateDict, load_export, pretrained_path,
                             read_export)

# What the recipe creates that a plain ViT does not hold: per block, the
# relative positions along rows and columns (zero at the start).
CREATED = ('attn.rel_pos_h', 'attn.rel_pos_w')
# What the export holds that ViTDet does not use: the CLS token (and its
# position) and the final norm.
UNUSED = ('cls_token', 'ln1.')


@MODELS.register_module()
class ViTDetBackbone(ViTSAM):
    """ViTDet's ViT: MMPretrain's :class:`ViTSAM` giving its last block's
    map, whose ``Pretrained`` weights are an exported encoder.

    The export's position embedding (a CLS slot and an N-patch grid) loses
    its CLS slot and becomes the grid ``ViTSAM`` keeps, which ``ViTSAM``
    resizes to its own when it loads it; the CLS token and final norm are
    left out and the relative positions start at zero
    (:func:`load_export`). What was loaded and created is logged. Without a
    ``Pretrained`` ``init_cfg`` it initialises as ``ViTSAM``.

    Args:
        arch (str | dict): As ``ViTSAM``'s: ``global_attn_indexes`` are the
            blocks with global attention, the others attend within windows.
        out_channels (int): SAM's channel reduction; 0 (the default): none,
            the map keeps the encoder's width.
        out_type (str): Defaults to ``'featmap'``, B x C x H x W.
        **kwargs: The other arguments of ``ViTSAM`` (``window_size``,
            ``use_rel_pos``, ``norm_cfg``, ...).

    Raises:
        InputError: The checkpoint has no ``state_dict``, misses other
            weights, holds weights the backbone does not have or of
            another size.
    """

    def __init__(self, arch='base', out_channels: int = 0,
                 out_type: str = 'featmap', **kwargs) -> None:
        super().__init__(arch=arch, out_channels=out_channels,
                         out_type=out_type, **kwargs)

    def init_weights(self) -> None:
        """Load the export, or initialise as ``ViTSAM`` without one."""
        path = pretrained_path(self)
        if path is None:
            super().init_weights()
            return
        state = grid_position(read_export(path))
        print_log(load_export(self, state, path, CREATED, UNUSED),
                  logger='current')


def grid_position(state: StateDict) -> StateDict:
    """The export's position embedding 1 x (1+N) x C as ``ViTSAM``'s grid
    1 x h x w x C (N = h * w, square), without the CLS slot."""
    pos = state.get('pos_embed')
    if pos is None:
        return state
    side = round((pos.shape[1] - 1)**0.5)
    if side * side != pos.shape[1] - 1:
        raise InputError(f'pos_embed {tuple(pos.shape)}: not a CLS slot and '
                         'a square grid')
    return dict(state,
                pos_embed=pos[:, 1:].reshape(1, side, side, pos.shape[-1]))
