"""Evaluate a checkpoint with a config's test loop: MMPretrain, MMSeg or
MMDet configs alike (the scope is read from the config).

Usage:
    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--tta]
        [--out FILE] [--cfg-options KEY=VALUE ...]
        [--launcher {none,pytorch,slurm,mpi}]
"""
import argparse
import os.path as osp

from mmengine.config import Config, ConfigDict

import tec_mm  # noqa: F401  (registries)
from tec_mm.preflight import preflight
from tec_mm.engine import (ConfigError, MissingInput,
                           add_runner_arguments, build_runner, load_config,
                           mmengine_checkpoints, run_main)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--tta',
        action='store_true',
        help="test-time augmentation: the config's tta_pipeline and "
        'tta_model (multi-scale + flip for MMSeg configs)')
    parser.add_argument(
        '--out', help='dump the metrics and predictions to this pickle')
    add_runner_arguments(parser)
    return parser.parse_args()


def use_tta(cfg: Config) -> None:
    """Wrap the model in the config's ``tta_model`` and test with its
    ``tta_pipeline``."""
    if 'tta_model' not in cfg or 'tta_pipeline' not in cfg:
        raise ConfigError('--tta needs tta_model and tta_pipeline in the '
                          'config')
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)


def dump_results(cfg: Config, path: str) -> None:
    """Add MMEngine's ``DumpResults`` to the test evaluators."""
    evaluators = cfg.test_evaluator
    if not isinstance(evaluators, list):
        evaluators = [evaluators]
    cfg.test_evaluator = [
        *evaluators, dict(type='DumpResults', out_file_path=path)
    ]


def main() -> None:
    args = parse_args()
    if not osp.isfile(args.checkpoint):
        raise MissingInput(f'checkpoint not found: {args.checkpoint}')
    cfg = load_config(args)
    preflight(cfg)
    cfg.load_from = args.checkpoint
    if args.tta:
        use_tta(cfg)
    if args.out is not None:
        dump_results(cfg, args.out)
    with mmengine_checkpoints():
        build_runner(cfg).test()


if __name__ == '__main__':
    run_main(main)
