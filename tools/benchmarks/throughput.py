"""Training-step throughput of TEC against MMPretrain's MAE on the same
backbone and batch: interleaved repetitions, median speed and the ratio.

One step is forward, backward and optimizer (``train_step``). The base model
of TEC is a random ViT of the new model's size written in MMPretrain's
format (its weights do not change the cost). Peak memory is CUDA's
``max_memory_allocated`` on a GPU; on a CPU it is not measured (torch keeps
no allocator statistics there).

Speed is masked views per second: for MAE and single-mask TEC the images
per second; TEC with ``--num-masks M`` trains M masked views of each image
per step (the base runs once per image), so its views per second are M
times its images per second. Each step's FLOPs are counted once
(:class:`FlopCounterMode`, a multiply-add is 2 FLOPs); with a peak
(``--peak-tflops``, or known for the GPU: H100/H200 dense bf16) the model
FLOPs utilisation (MFU) is printed too.

Usage:
    python tools/benchmarks/throughput.py [--size tiny|vit-b] [--batch N]
        [--reps 5] [--warmup 2] [--bf16] [--base-bf16]
        [--num-masks M ...] [--peak-tflops T] [--compile] [--fused]
        [--compile-base]

``--compile`` adds each arm with its ``train_step`` compiled as MMEngine's
``compile=True`` does (after :func:`tec_mm.engine.make_compile_ready`),
with the seconds of its first step (compilation included); ``--fused`` adds
each arm with fused AdamW (``optim_wrapper.optimizer.fused=True``), and
with ``--compile`` compiled and fused; ``--compile-base`` adds TEC whose
step runs eagerly with its frozen base compiled on its own
(``target_generator.compile=True``) for each M, its first step's seconds
printed. All arms are interleaved in one process, so a load that changes
during the run slows them alike.

``--bf16`` autocasts in bfloat16: MMEngine's ``AmpOptimWrapper`` on a GPU
(the path of the configs' ``optim_wrapper``), ``tec_mm.BF16OptimWrapper``
on a CPU. ``--base-bf16`` adds TEC whose frozen base runs in bfloat16
(``target_generator.autocast_dtype='bfloat16'``) for each M.
"""
import argparse
import logging
import os.path as osp
import statistics
import time
from typing import Dict, List

import mmpretrain
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from tec_bench.runs import ROOT
from tec_bench.training_step import (build_model, build_wrapper,
                                     random_base, random_batch)
from torch.utils.flop_counter import FlopCounterMode

from tec_mm.engine import run_main
SIZES = {
    'tiny': ('configs/demo/mae_vit-tiny-p4_fmnist.py',
             'configs/demo/tec_vit-tiny-p4_fmnist.py', 256),
    'vit-b': (osp.join(osp.dirname(mmpretrain.__file__), '.mim/configs/mae/'
                       'mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'),
              'configs/tec/tec_vit-base-p16_from-mae_8xb512-amp-coslr-300e_in1k.py', 8),
}
PEAK_BF16_TFLOPS = {'H100': 989., 'H200': 989.}  # dense, SXM


def arm_names(num_masks: List[int], base_bf16: bool, compiled: bool = False,
              fused: bool = False, base_compiled: bool = False) -> list:
    """(name, config index, base dtype, M, base compiled, step compiled,
    fused) of each interleaved arm."""
    models = [('MAE', 0, None, 1, False)]
    for m in num_masks:
        name = 'TEC' if m == 1 else f'TEC, {m} masks'
        models.append((name, 1, None, m, False))
        if base_bf16:
            models.append((name + ', bf16 base', 1, 'bfloat16', m, False))
        if base_compiled:
            models.append((name + ', base compiled', 1, None, m, True))
    modes = [('', False, False)]
    modes += [(', compiled', True, False)] if compiled else []
    modes += [(', fused', False, True)] if fused else []
    modes += [(', compiled, fused', True, True)] if compiled and fused \
        else []
    return [(name + tag, i, dtype, m, b, c, f)
            for name, i, dtype, m, b in models for tag, c, f in modes
            if not (b and c)]  # a step compiled whole traces its base


def step_flops(model, wrapper, data) -> float:
    """FLOPs of one training step as torch counts them."""
    with FlopCounterMode(display=False) as counter:
        model.train_step(data, wrapper)
    return counter.get_total_flops()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size', choices=sorted(SIZES), default='tiny')
    parser.add_argument('--batch', type=int, help='images per step')
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--bf16', action='store_true',
                        help='bfloat16 autocast (CPU or GPU)')
    parser.add_argument('--base-bf16', action='store_true',
                        help='also TEC with its frozen base in bfloat16')
    parser.add_argument('--num-masks', type=int, nargs='+', default=[1],
                        help='masked views per image of the TEC arms')
    parser.add_argument('--peak-tflops', type=float,
                        help='peak of the device, for MFU (default: known '
                        'for H100/H200 in bf16)')
    parser.add_argument('--compile', action='store_true',
                        help='compile train_step (MMEngine compile=True)')
    parser.add_argument('--fused', action='store_true', help='fused AdamW')
    parser.add_argument('--compile-base', action='store_true',
                        help='also TEC with its base compiled on its own')
    args = parser.parse_args()
    MMLogger.get_current_instance().setLevel(logging.WARNING)  # init logs
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    device_name = torch.cuda.get_device_name() if device == 'cuda' else \
        f'CPU ({torch.get_num_threads()} threads)'
    peak = args.peak_tflops or next(
        (v for k, v in PEAK_BF16_TFLOPS.items()
         if args.bf16 and k in device_name), None)
    configs = SIZES[args.size][:2]
    batch = args.batch or SIZES[args.size][2]
    tec_cfg = Config.fromfile(osp.join(ROOT, configs[1]))
    base = random_base(tec_cfg)
    runs = {}
    compiled, timed_first = set(), set()
    for name, i, dtype, m, b, c, f in arm_names(
            args.num_masks, args.base_bf16, args.compile, args.fused,
            args.compile_base):
        model, cfg = build_model(configs[i], base, dtype, m, b)
        model = model.to(device)
        runs[name] = (model, build_wrapper(model, cfg, device, args.bf16, c,
                                           f), m)
        compiled.update([name] if c else [])
        timed_first.update([name] if b or c else [])
    data = random_batch(tec_cfg, batch)
    flops: Dict[str, float] = {}
    for name, (model, wrapper, _) in runs.items():  # counted eagerly
        eager = name.replace(', base compiled', '')
        flops[name] = flops[eager] if eager in flops else \
            step_flops(model, wrapper, data)
    first = {}
    for name, (model, wrapper, _) in runs.items():
        if name in compiled:
            model.train_step = torch.compile(model.train_step)
        start = time.perf_counter()
        model.train_step(data, wrapper)  # compiles with --compile
        first[name] = time.perf_counter() - start
    times: Dict[str, list] = {name: [] for name in runs}
    memory: Dict[str, float] = {}
    for rep in range(args.warmup + args.reps):
        for name, (model, wrapper, _) in runs.items():  # interleaved
            if device == 'cuda':
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
            start = time.perf_counter()
            model.train_step(data, wrapper)
            if device == 'cuda':
                torch.cuda.synchronize()
                memory[name] = torch.cuda.max_memory_allocated() / 2**30
            if rep >= args.warmup:
                times[name].append(time.perf_counter() - start)
    print(f'{args.size}, batch {batch}, {device_name}, '
          f'{"bf16" if args.bf16 else "fp32"}, median of {args.reps}')
    speed = {}
    for name, (_, _, m) in runs.items():
        step = statistics.median(times[name])
        speed[name] = batch * m / step
        extra = f', peak {memory[name]:.2f} GiB' if name in memory else ''
        if name in timed_first:
            extra += f', first step {first[name]:.1f} s'
        if peak:
            extra += f', MFU {flops[name] / step / (peak * 1e12):.1%}'
        digits = 1 if speed[name] >= 10 else 3  # ViT-B on a CPU: < 1/s
        print(f'{name}: {speed[name]:.{digits}f} views/s, '
              f'{flops[name] / (batch * m) / 1e9:.4g} GFLOP per view{extra}')
    for name in list(speed)[1:]:
        print(f'{name} / MAE: {speed[name] / speed["MAE"]:.2f}x per view')


if __name__ == '__main__':
    run_main(main)
