"""Convert a base model checkpoint to tec_mm's canonical form and say what
was detected.

Usage:
    python tools/convert_base_model.py IN OUT [--num-heads H]

IN is any format ``model.target_generator.checkpoint`` reads (MAE, DINO,
iBOT, DINOv2, MMPretrain, timm, plain). OUT is an MMPretrain-style
checkpoint (``state_dict`` with ``backbone.`` and MMPretrain names; the
position grid as in IN, with a CLS row) whose ``meta.base_model`` records
the source format, so its grid-resize convention is kept. Nothing is written
when IN cannot be used.
"""
import argparse
import dataclasses
import os.path as osp

from tec_mm.engine import ConfigError, run_main
from tec_mm import (infer_architecture, read_base_checkpoint,
                    save_backbone)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='base checkpoint to read')
    parser.add_argument('dst', help='canonical checkpoint to write')
    parser.add_argument(
        '--num-heads',
        type=int,
        help='attention heads, when the width has no standard count')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if osp.abspath(args.src) == osp.abspath(args.dst):
        raise ConfigError('OUT must differ from IN: IN is never overwritten')
    ckpt = read_base_checkpoint(args.src)
    arch = None if args.num_heads is None else dict(num_heads=args.num_heads)
    found = infer_architecture(ckpt, arch)
    print(f'format:  {ckpt.origin}' +
          (f' (read as {ckpt.format})' if ckpt.origin != ckpt.format else ''))
    print(f'arch:    {found.arch_dict()}, patch_size={found.patch_size}, '
          f'in_channels={found.in_channels}, qkv_bias={found.qkv_bias}, '
          f'layer_scale={found.layer_scale}')
    print(f'grid:    {found.grid[0]}x{found.grid[1]} patches '
          f'({found.grid[0] * found.patch_size} px), resized '
          + ('by scale (n + 0.1) / m' if found.grid_offset else 'to size'))
    print(f'kept:    {len(ckpt.state)} tensors')
    print(f'dropped: {ckpt.dropped}')
    meta = dict(
        base_model=dict(
            format=ckpt.origin,
            source=osp.abspath(args.src),
            **dataclasses.asdict(found)))
    save_backbone(ckpt.state, args.dst, meta)  # never a half-written OUT
    print(f'written: {args.dst}')


if __name__ == '__main__':
    run_main(main)
