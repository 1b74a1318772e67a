"""Export the encoder of a TEC (or MMPretrain MAE) pretraining checkpoint as
a plain ViT backbone for fine-tuning, MMSegmentation and MMDetection.

Usage:
    python tools/export_backbone.py CKPT OUT [--global-pool] [--dense]

OUT holds ``state_dict`` with ``backbone.*`` in MMPretrain
``VisionTransformer`` names: the CLS MLP is folded into ``cls_token``;
decoders, adapters and heads are dropped; ``--global-pool`` (for fine-tuning
with ``out_type='avg_featmap'``, ``final_norm=False``) also drops the final
norm and writes the fresh pooled-feature norm ``ln2`` (weight 1, bias 0).
Downstream configs load it with
``init_cfg=dict(type='Pretrained', checkpoint=OUT, prefix='backbone.')``.
The gates of a gated pretraining run (``GatedMAE``, ``GatedTECAlgorithm``)
are kept under their names for ``tec_mm.GatedViT``, which runs the gated
sub-network; ``--dense`` drops them (the dense network, a plain ViT).
Before writing, OUT's weights are loaded strictly into an MMPretrain
``VisionTransformer`` of the shape they describe; nothing is written when
CKPT cannot be used, and CKPT is never overwritten.
"""
import argparse
import os.path as osp

from mmpretrain.models import VisionTransformer

from tec_mm.engine import (ConfigError, InputError, MissingInput,  # noqa
                           load_checkpoint_file, run_main)
from tec_mm import (export_backbone, infer_architecture,
                    read_base_checkpoint, save_backbone)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint', help='pretraining checkpoint')
    parser.add_argument('out', help='backbone checkpoint to write')
    parser.add_argument(
        '--global-pool',
        action='store_true',
        help='drop the final norm, add a fresh pooled-feature norm '
        '(downstream pools patch tokens)')
    parser.add_argument('--dense', action='store_true',
                        help='drop the gates of a gated run: the dense '
                        'network')
    return parser.parse_args()


def plain_vit(state: dict, path: str, global_pool: bool) -> VisionTransformer:
    """An MMPretrain ViT with exactly the parameters ``state`` describes.

    The head count does not change any parameter shape, so one head is
    used; the image size is the checkpoint's position grid.
    """
    arch = infer_architecture(read_base_checkpoint(state), dict(num_heads=1))
    return VisionTransformer(
        **arch.plain_vit_kwargs(),
        final_norm=not global_pool,
        out_type='avg_featmap' if global_pool else 'cls_token')


def main() -> None:
    args = parse_args()
    if osp.abspath(args.checkpoint) == osp.abspath(args.out):
        raise ConfigError('OUT must differ from CKPT: CKPT is never '
                          'overwritten')
    if not osp.isfile(args.checkpoint):
        raise MissingInput(f'checkpoint not found: {args.checkpoint}')
    checkpoint = load_checkpoint_file(args.checkpoint, map_location='cpu')
    if not isinstance(checkpoint, dict) or 'state_dict' not in checkpoint:
        raise InputError(f'{args.checkpoint}: not an MMEngine checkpoint '
                         '(no "state_dict")')
    try:
        state, dropped = export_backbone(checkpoint['state_dict'],
                                         args.global_pool)
    except ValueError as err:
        raise InputError(f'{args.checkpoint}: {err}') from err
    folded = 'backbone.cls_mlp.0.weight' in checkpoint['state_dict']
    gates = sorted(k for k in state if '.gates.' in k)
    plain = {k: v for k, v in state.items() if k not in gates}
    if args.dense:
        state = plain
        dropped = sorted(dropped + ['backbone.' + k for k in gates])
    vit = plain_vit(plain, args.checkpoint, args.global_pool)
    vit.load_state_dict(plain, strict=True)
    print(f'kept:    {len(state)} tensors'
          + (' (CLS MLP folded into cls_token)' if folded else ''))
    if gates and not args.dense:
        print(f'gates:   {len(gates)} tensors kept for tec_mm.GatedViT '
              '(--dense drops them)')
    modules = sorted({'.'.join(k.split('.')[:2]) for k in dropped})
    print(f'dropped: {len(dropped)} tensors ({modules})')
    print(f'checked: loads into mmpretrain VisionTransformer('
          f'final_norm={not args.global_pool}) with 0 missing and 0 '
          'unexpected keys' + (' but the gates' if gates and not args.dense
                               else ''))
    meta = dict(
        exported_from=osp.abspath(args.checkpoint),
        global_pool=args.global_pool,
        pretrain_meta={k: checkpoint.get('meta', {}).get(k)
                       for k in ('epoch', 'iter', 'experiment_name')})
    save_backbone(state, args.out, meta)
    print(f'written: {args.out}')


if __name__ == '__main__':
    run_main(main)
