"""Train a model from a config: TEC pretraining, MMPretrain fine-tuning,
MMSeg and MMDet configs alike (the scope is read from the config).

Usage:
    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
        [--amp [{fp16,bf16}]]
        [--cfg-options KEY=VALUE ...] [--launcher {none,pytorch,slurm,mpi}]
"""
import argparse

import tec_mm  # noqa: F401  (registries)
from tec_mm.preflight import preflight
from tec_mm.engine import (add_runner_arguments, build_runner,
                           check_pretrained, check_schedule,
                           fall_back_to_fp32_without_cuda,
                           find_resume_checkpoint, load_config,
                           mmengine_checkpoints, run_main,
                           use_amp)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or from the newest complete '
        'one in the work dir when no path is given')
    parser.add_argument(
        '--amp',
        nargs='?',
        const='fp16',
        choices=['fp16', 'bf16'],
        help='automatic mixed precision: fp16 (the default, dynamic loss '
        'scale) or bf16; without CUDA, bf16 autocasts on the CPU and fp16 '
        'falls back to fp32')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr to the actual batch size (auto_scale_lr)')
    add_runner_arguments(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args)
    preflight(cfg)
    check_schedule(cfg)
    check_pretrained(cfg)
    if args.amp:
        use_amp(cfg, args.amp)
    fall_back_to_fp32_without_cuda(cfg)
    if args.resume == 'auto':
        cfg.load_from = find_resume_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
        if not cfg.resume:
            print(f'--resume: no complete checkpoint in {cfg.work_dir}; '
                  'starting from the beginning')
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    with mmengine_checkpoints():
        build_runner(cfg).train()


if __name__ == '__main__':
    run_main(main)
