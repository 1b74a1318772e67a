"""One TEC optimisation step on 2 gloo processes x B/2 images gives the
weights of 1 process x B images with the same per-image masks."""
import os.path as osp

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.config import Config
from mmengine.model import MMDistributedDataParallel
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

from tec_mm.registry import MODELS
from tec_test_utils import ROOT
from test_runner import write_tiny_dino_base

TEC = osp.join(ROOT, 'configs/demo/tec_vit-tiny-p4_fmnist.py')
BATCH, PATCHES = 8, 49


def build_model(folder: str) -> torch.nn.Module:
    """The demo's TEC model, with the same initial weights every time."""
    cfg = Config.fromfile(TEC)
    init_default_scope('tec_mm')
    cfg.model.target_generator.checkpoint = f'{folder}/base.pth'
    torch.manual_seed(0)
    model = MODELS.build(
        dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    model.init_weights()
    return model


def one_step(rank: int, world: int, folder: str) -> None:
    """One SGD step on this rank's share of the batch; rank 0 saves the
    weights."""
    if world > 1:
        dist.init_process_group('gloo', init_method=f'file://{folder}/pg',
                                rank=rank, world_size=world)
    model = build_model(folder)
    wrapper = build_optim_wrapper(
        model, dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.5)))
    step_model = model if world == 1 else MMDistributedDataParallel(
        module=model, device_ids=None, find_unused_parameters=False)
    share = slice(rank * BATCH // world, (rank + 1) * BATCH // world)
    images, noise = torch.load(f'{folder}/batch.pt')
    rand = torch.rand

    def masking_noise(*size, **kwargs):
        """The masking noise of this rank's images (MAE's random_masking
        draws torch.rand(B, N))."""
        if tuple(size) == (BATCH // world, PATCHES):
            return noise[share].clone()
        return rand(*size, **kwargs)

    torch.rand = masking_noise
    try:
        step_model.train_step(
            dict(inputs=images[share],
                 data_samples=[DataSample() for _ in images[share]]),
            wrapper)
    finally:
        torch.rand = rand
    if rank == 0:
        torch.save(model.state_dict(), f'{folder}/world{world}.pt')
    if world > 1:
        dist.destroy_process_group()


def test_two_processes_match_one(tmp_path):
    folder = str(tmp_path)
    write_tiny_dino_base(f'{folder}/base.pth')
    generator = torch.Generator().manual_seed(1)
    images = torch.randint(0, 256, (BATCH, 1, 28, 28), dtype=torch.uint8,
                           generator=generator)
    noise = torch.rand(BATCH, PATCHES, generator=generator)
    torch.save((images, noise), f'{folder}/batch.pt')

    one_step(0, 1, folder)
    mp.spawn(one_step, args=(2, folder), nprocs=2, join=True)

    single = torch.load(f'{folder}/world1.pt')
    double = torch.load(f'{folder}/world2.pt')
    assert single.keys() == double.keys()
    for key, value in single.items():
        torch.testing.assert_close(double[key], value, atol=1e-5, rtol=0)
    start = build_model(folder).state_dict()
    moved = max((single[k] - start[k]).abs().max().item() for k in start)
    assert moved > 1e-3  # the step really changed the weights
