"""Peak memory per GPU of a pretraining config's training step, computed
without a GPU.

The config's model (TEC with a random base of the new model's size) and
optimizer run their steps on fake tensors, which carry shapes and dtypes
but no data, and every tensor alive is counted: weights, gradients, AdamW's
states, activations kept for backward and the frozen base's inference.
Configs whose ``optim_wrapper`` is an ``AmpOptimWrapper`` are counted under
bfloat16 autocast (float16's activations take the same bytes). The step
counted is the second, when AdamW's states exist. A CUDA allocator adds
its cached blocks and the libraries' workspaces to this, which
``torch.cuda.max_memory_allocated`` includes.

Usage:
    python tools/benchmarks/peak_memory.py CONFIG [CONFIG ...]
        [--batch N] [--num-masks M]
"""
import argparse
import logging
import os.path as osp

from mmengine.logging import MMLogger
from tec_bench.live_memory import step_memory
from tec_bench.runs import ROOT

from tec_mm.engine import run_main

GIB = 2**30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+', help='pretraining configs')
    parser.add_argument('--batch', type=int,
                        help="images per GPU (default: each config's)")
    parser.add_argument('--num-masks', type=int,
                        help="TEC's masked views per image (default: each "
                        "config's)")
    args = parser.parse_args()
    MMLogger.get_current_instance().setLevel(logging.WARNING)  # init logs
    for config in args.configs:
        got = step_memory(config, args.batch, args.num_masks)
        views = f" x {got['num_masks']} masks" if got['num_masks'] > 1 \
            else ''
        print(f"{osp.relpath(osp.join(ROOT, config), ROOT)}: batch "
              f"{got['batch']}{views}, "
              f"{'bf16 autocast' if got['bf16'] else 'fp32'}, peak "
              f"{got['peak'] / GIB:.2f} GiB per GPU ("
              f"{got['between_steps'] / GIB:.2f} GiB between steps)")


if __name__ == '__main__':
    run_main(main)
