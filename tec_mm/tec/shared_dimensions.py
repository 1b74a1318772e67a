"""One source for a TEC model's dimensions: the new encoder and the bases.

The conditional adapter, the decoders and the base models take their
widths, depths, patch grid, head counts and base names from the new
encoder (``model.backbone``) and from the base models. A config may still
write them out; a value that disagrees is refused, naming its key.
"""
from typing import Any, Dict, Tuple, Union

from mmpretrain.models import MAEViT
from torch import nn

from tec_mm.engine.refusal import ConfigError


def encoder_dimensions(backbone: dict) -> Tuple[int, int, int]:
    """Width, depth and patch count of the new encoder's config.

    Args:
        backbone (dict): The :class:`TECViT` config (``arch``, ``img_size``,
            ``patch_size``; MMPretrain's defaults when left out).

    Returns:
        Tuple[int, int, int]: C, the number of blocks and N.
    """
    arch = backbone.get('arch', 'b')
    if isinstance(arch, str):
        arch = MAEViT.arch_zoo[arch.lower()]
    grid = backbone.get('img_size', 224) // backbone.get('patch_size', 16)
    return arch['embed_dims'], arch['num_layers'], grid * grid


def fill(section: Union[dict, nn.Module], key_path: str,
         values: Dict[str, Any], source: str) -> Union[dict, nn.Module]:
    """``section`` with ``values`` set where it leaves them out.

    Args:
        section (dict | nn.Module): A config section; a built module is
            returned as it is.
        key_path (str): Its config key, for messages (``model.neck``).
        values (dict): The values it must have.
        source (str): Where they come from, for messages.

    Returns:
        dict | nn.Module: The filled config.

    Raises:
        ConfigError: The section sets one of them to another value.
    """
    if isinstance(section, nn.Module):
        return section
    section = dict(section)
    for key, value in values.items():
        given = section.get(key)
        if given is not None and _same(given) != _same(value):
            raise ConfigError(
                f'{key_path}.{key}={given!r} does not match {source} '
                f'({value!r}); leave {key_path}.{key} out of the config, '
                'TECAlgorithm sets it')
        section[key] = value
    return section


def _same(value: Any) -> Any:
    """Lists and tuples compare equal."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def fill_dimensions(backbone: dict, neck: dict, head: dict,
                    base_dims: Dict[str, int],
                    target_heads: int) -> Tuple[dict, dict]:
    """The neck and head configs with the shared dimensions filled in.

    Args:
        backbone (dict): The new encoder's config.
        neck (dict): The :class:`ConditionalAdapter` config (other necks
            are returned as they are).
        head (dict): The :class:`TECReconstructionHead` config.
        base_dims (Dict[str, int]): The base models' widths by name, in
            order.
        target_heads (int): The base models' attention head count.

    Returns:
        Tuple[dict, dict]: The neck and the head config.
    """
    embed_dims, num_layers, num_patches = encoder_dimensions(backbone)
    names = list(base_dims)
    encoder = 'the new encoder, model.backbone'
    if isinstance(head, dict):
        decoder = fill(head['decoder'], 'model.head.decoder',
                       dict(embed_dims=embed_dims, num_patches=num_patches),
                       encoder)
        decoder = fill(decoder, 'model.head.decoder',
                       dict(base_names=names), 'the base models\' names')
        decoder = fill(decoder, 'model.head.decoder',
                       dict(base_dims=dict(base_dims)),
                       'the base models\' widths')
        if head.get('attention_loss') is not None:
            decoder = fill(decoder, 'model.head.decoder',
                           dict(target_heads=target_heads),
                           'the base models\' head count')
        head = dict(head, decoder=decoder)
    if isinstance(neck, dict) and neck.get('type') in (
            'ConditionalAdapter', 'tec_mm.ConditionalAdapter'):
        neck = fill(neck, 'model.neck',
                    dict(embed_dims=embed_dims, num_layers=num_layers),
                    encoder)
        neck = fill(neck, 'model.neck', dict(base_names=names),
                    'the base models\' names')
        width = head['decoder'].get('decoder_embed_dims') \
            if isinstance(head, dict) else None
        if width is not None:
            neck = fill(neck, 'model.neck', dict(decoder_embed_dims=width),
                        'model.head.decoder.decoder_embed_dims')
    return neck, head


def fill_base_sizes(target_generator: Union[dict, nn.Module],
                    backbone: dict) -> Union[dict, nn.Module]:
    """Base model configs at the new encoder's image size and patch size
    (the grid their targets are resampled to).

    Args:
        target_generator (dict | nn.Module): One base config (or module) or
            a dict of them keyed by base name.
        backbone (dict): The new encoder's config.

    Returns:
        dict | nn.Module: The same with ``img_size`` and
        ``target_patch_size`` filled in.
    """
    size = dict(img_size=backbone.get('img_size', 224),
                target_patch_size=backbone.get('patch_size', 16))
    if isinstance(target_generator, nn.Module) or 'type' in target_generator:
        return fill(target_generator, 'model.target_generator', size,
                    'model.backbone')
    return {
        name: fill(base, f'model.target_generator.{name}', size,
                   'model.backbone')
        for name, base in target_generator.items()
    }
