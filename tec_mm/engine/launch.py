"""What tools/train.py and tools/test.py share: the runner's command line,
the config it builds, and the runner."""
import argparse
import os
import os.path as osp

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from tec_mm.registry import RUNNERS
from .compile_ready import CompileReadyHook


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--cfg-options``, ``--launcher`` and
    ``--local-rank`` to a tool's parser."""
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """The config of ``args.config`` with the shared arguments merged.

    ``--cfg-options`` first, then the launcher and the work dir (given, the
    config's, or ``work_dirs/<config name>``). Sets ``LOCAL_RANK`` from
    ``--local-rank`` for launchers that pass it as an argument.

    Args:
        args (argparse.Namespace): Parsed arguments of
            :func:`add_runner_arguments` plus ``config``.

    Returns:
        Config: The merged config.
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    return cfg


def use_cpu_processes(cfg: Config) -> None:
    """Let a multi-process run work without CUDA.

    MMEngine's ``init_dist`` always selects a CUDA device, and its DDP
    wrapper gets the local rank as a CUDA device id. Here the process group
    is started with ``gloo`` from the launcher's environment (MMEngine then
    leaves it as it is) and DDP gets no ``device_ids``.

    Args:
        cfg (Config): The config, changed in place.
    """
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    cfg.env_cfg.dist_cfg.backend = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def build_runner(cfg: Config) -> Runner:
    """MMEngine's runner, or the config's ``runner_type``, with a
    :class:`CompileReadyHook` where the config has none; multi-process runs
    without CUDA go through :func:`use_cpu_processes` first."""
    if cfg.get('launcher', 'none') != 'none' and not torch.cuda.is_available():
        use_cpu_processes(cfg)
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else \
        RUNNERS.build(cfg)
    if not any(isinstance(h, CompileReadyHook) for h in runner.hooks):
        runner.register_hook(CompileReadyHook())
    return runner
