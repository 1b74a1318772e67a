"""MMSegmentation's MAE backbone started from an exported encoder, with the
loading checked (``configs/benchmarks/mae-base_upernet_...``).

MMSeg's ``MAE`` (a ViT with relative position bias and layer scale, as in
its MAE recipe) loads pretrained weights with ``strict=False`` and says
nothing, so an encoder in another naming leaves it at random
initialisation. :class:`CheckedMAE` loads the plain-ViT export of
``tools/export_backbone.py`` and refuses any key that does not fit. It
imports MMSeg, so it is not imported by ``import tec_mm``: a config names
it with ``custom_imports=dict(imports=['tec_mm.downstream.mmseg_mae'])``.
"""
from typing import Dict, List, Tuple

import torch
from mmengine.logging import print_log
from mmseg.models.backbones import MAE
from mmseg.registry import MODELS

from tec_mm.engine import InputError, load_checkpoint_file

# What MMSeg's MAE recipe creates that a pretrained ViT does not hold, per
# block: layer scale and the relative position bias (and its index).
RECIPE_KEYS = ('gamma_1', 'gamma_2', 'attn.relative_position_bias_table',
               'attn.relative_position_index')
PREFIX = 'backbone.'


@MODELS.register_module()
class CheckedMAE(MAE):
    """MMSeg's :class:`MAE` backbone whose ``Pretrained`` weights are an
    exported encoder, loaded checked.

    The export's ``backbone.`` prefix is taken off and its position grid
    resized as MMSeg's MAE does; then the only keys allowed to be missing
    are the recipe's own (:data:`RECIPE_KEYS`, which keep their initial
    values: layer scale ``init_values``, zero bias), and the only keys
    allowed to be left over are the final norm's when ``final_norm`` is
    False. The keys created are logged. Without a ``Pretrained``
    ``init_cfg`` it initialises as MMSeg's MAE.

    Args:
        **kwargs: Those of MMSeg's :class:`MAE`.

    Raises:
        InputError: The checkpoint has no ``state_dict``, misses other
            weights or holds weights the backbone does not have.
    """

    def init_weights(self) -> None:
        """Load the export, or initialise as MMSeg's MAE without one."""
        init_cfg = self.init_cfg
        if not (isinstance(init_cfg, dict) and
                init_cfg.get('type') == 'Pretrained'):
            super().init_weights()
            return
        path = init_cfg['checkpoint']
        state = export_state(load_checkpoint_file(path, map_location='cpu'),
                             path)
        created, left = self.check_keys(state, path)
        state = self.resize_abs_pos_embed(
            {k: v for k, v in state.items() if k not in left})
        self.load_state_dict(state, strict=False)
        print_log(f'CheckedMAE: loaded {len(state)} tensors from {path}; '
                  f'{len(created)} created by the recipe ('
                  f'{sorted({k.split(".", 2)[-1] for k in created})}), '
                  f'left out {sorted(left)}', logger='current')

    def check_keys(self, state: Dict[str, torch.Tensor],
                   path: str) -> Tuple[List[str], List[str]]:
        """The backbone's keys absent from ``state`` (all the recipe's) and
        the keys of ``state`` left out (the unused final norm).

        Raises:
            InputError: Any other key is missing or left over, or a weight
                has another shape (the position grid is resized).
        """
        own = self.state_dict()
        missing = [k for k in own if k not in state]
        extra = [k for k in state if k not in own]
        left = [k for k in extra
                if k.startswith('ln1.') and not self.final_norm]
        wrong = [k for k in missing
                 if not k.startswith('layers.') or
                 k.split('.', 2)[-1] not in RECIPE_KEYS]
        wrong += [k for k in extra if k not in left]
        if wrong:
            raise InputError(
                f'{path}: not an encoder for this MAE backbone (missing or '
                f'unexpected: {sorted(wrong)[:8]}); export it with '
                'tools/export_backbone.py (without --global-pool)')
        resized = ('pos_embed', )  # to this grid, as MMSeg's MAE does
        shapes = [f'{k} {tuple(v.shape)} vs {tuple(own[k].shape)}'
                  for k, v in state.items() if k in own
                  and k not in resized and v.shape != own[k].shape]
        if shapes:
            raise InputError(f'{path}: the encoder is not of this backbone\'s '
                             f'size: {shapes[:4]}')
        return missing, left


def export_state(checkpoint: dict, path: str) -> Dict[str, torch.Tensor]:
    """The encoder weights of an export, without the ``backbone.``
    prefix."""
    if not isinstance(checkpoint, dict) or 'state_dict' not in checkpoint:
        raise InputError(f'{path}: not an MMEngine checkpoint (no '
                          '"state_dict"); export the encoder with '
                          'tools/export_backbone.py')
    return {k[len(PREFIX):] if k.startswith(PREFIX) else k: v
            for k, v in checkpoint['state_dict'].items()}
