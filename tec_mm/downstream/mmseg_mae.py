"""MMSegmentation's MAE backbone started from an exported encoder, with the
loading checked (``configs/benchmarks/upernet_vit-base-p16_tec-pre_...``).

MMSeg's ``MAE`` (a ViT with relative position bias and layer scale, as in
its MAE recipe) loads pretrained weights with ``strict=False`` and says
nothing, so an encoder in another naming leaves it at random
initialisation. :class:`CheckedMAE` loads the plain-ViT export of
``tools/export_backbone.py`` and refuses any key that does not fit. It
imports MMSeg, so it is not imported by ``import tec_mm``: a config names
it with ``custom_imports=dict(imports=['tec_mm.downstream.mmseg_mae'])``.
"""
from mmengine.logging import print_log
from mmseg.models.backbones import MAE
from mmseg.registry import MODELS

from .export_loading import load_export, pretrained_path, read_export

# What MMSeg's MAE recipe creates that a pretrained ViT does not hold, per
# block: layer scale and the relative position bias (and its index).
RECIPE_KEYS = ('gamma_1', 'gamma_2', 'attn.relative_position_bias_table',
               'attn.relative_position_index')


@MODELS.register_module()
class CheckedMAE(MAE):
    """MMSeg's :class:`MAE` backbone whose ``Pretrained`` weights are an
    exported encoder, loaded checked.

    The export's ``backbone.`` prefix is taken off and its position grid
    resized as MMSeg's MAE does; then the only keys allowed to be missing
    are the recipe's own (:data:`RECIPE_KEYS`, which keep their initial
    values: layer scale ``init_values``, zero bias), and the only keys
    allowed to be left over are the final norm's when ``final_norm`` is
    False (:func:`load_export`). What was loaded and created is logged.
    Without a ``Pretrained`` ``init_cfg`` it initialises as MMSeg's MAE.

    Args:
        **kwargs: Those of MMSeg's :class:`MAE`.

    Raises:
        InputError: The checkpoint has no ``state_dict``, misses other
            weights, holds weights the backbone does not have or of
            another size.
    """

    def init_weights(self) -> None:
        """Load the export, or initialise as MMSeg's MAE without one."""
        path = pretrained_path(self)
        if path is None:
            super().init_weights()
            return
        state = self.resize_abs_pos_embed(read_export(path))
        unused = () if self.final_norm else ('ln1.', )
        print_log(load_export(self, state, path, RECIPE_KEYS, unused),
                  logger='current')
