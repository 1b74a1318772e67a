"""Training-step throughput of TEC against MMPretrain's MAE on the same
backbone and batch: interleaved repetitions, median img/s and the ratio.

One step is forward, backward and optimizer (``train_step``). The base model
of TEC is a random ViT of the new model's size written in MMPretrain's
format (its weights do not change the cost). Peak memory is CUDA's
``max_memory_allocated`` on a GPU; on a CPU it is not measured (torch keeps
no allocator statistics there).

Usage:
    python tools/benchmarks/throughput.py [--size tiny|vit-b] [--batch N]
        [--reps 5] [--warmup 2] [--bf16] [--base-bf16]

``--base-bf16`` adds a third model to the interleaving: TEC whose frozen
base runs in bfloat16 (``target_generator.autocast_dtype='bfloat16'``).
"""
import argparse
import os.path as osp
import statistics
import time
import warnings
from typing import Dict, Optional

warnings.filterwarnings('ignore', message='pkg_resources is deprecated')

import mmpretrain  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmpretrain.models import VisionTransformer  # noqa: E402
from mmpretrain.structures import DataSample  # noqa: E402

from tec_mm.engine import run_main  # noqa: E402
from tec_mm.registry import MODELS  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SIZES = {
    'tiny': ('configs/demo/mae_vit-tiny-p4_fmnist.py',
             'configs/demo/tec_vit-tiny-p4_fmnist.py', 256),
    'vit-b': (osp.join(osp.dirname(mmpretrain.__file__), '.mim/configs/mae/'
                       'mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'),
              'configs/tec_vitb_mae.py', 8),
}


def build(config: str, base: VisionTransformer, device: str, bf16: bool,
          base_dtype: Optional[str] = None):
    """Model and optimizer wrapper of a pretraining config."""
    cfg = Config.fromfile(osp.join(ROOT, config))
    init_default_scope('tec_mm')
    model_cfg = dict(cfg.model, data_preprocessor=cfg.data_preprocessor)
    if 'target_generator' in model_cfg:
        model_cfg['target_generator'] = dict(
            model_cfg['target_generator'], checkpoint=base,
            autocast_dtype=base_dtype)
    model = MODELS.build(model_cfg).to(device)
    model.init_weights()
    wrapper = dict(type='OptimWrapper', optimizer=cfg.optim_wrapper.optimizer)
    if bf16:
        wrapper['type'] = 'tec_mm.BF16OptimWrapper'
    return model, build_optim_wrapper(model, wrapper), cfg


def random_base(tec_cfg: Config) -> VisionTransformer:
    """A random ViT of the new model's size, the base of the TEC arms."""
    backbone = tec_cfg.model.backbone
    return VisionTransformer(
        arch=backbone.arch, img_size=backbone.img_size,
        patch_size=backbone.patch_size,
        in_channels=backbone.get('in_channels', 3))


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
    args = parser.parse_args()
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    mae_config, tec_config, batch = SIZES[args.size]
    batch = args.batch or batch
    base = random_base(Config.fromfile(osp.join(ROOT, tec_config)))
    arms = [('MAE', mae_config, None), ('TEC', tec_config, None)]
    if args.base_bf16:
        arms.append(('TEC, bf16 base', tec_config, 'bfloat16'))
    runs = {name: build(config, base, device, args.bf16, dtype)
            for name, config, dtype in arms}
    backbone = runs['TEC'][2].model.backbone
    shape = (batch, backbone.get('in_channels', 3), backbone.img_size,
             backbone.img_size)
    data = dict(inputs=torch.randint(0, 256, shape, dtype=torch.uint8),
                data_samples=[DataSample() for _ in range(batch)])
    times: Dict[str, list] = {name: [] for name in runs}
    peak: Dict[str, float] = {}
    for rep in range(args.warmup + args.reps):
        for name, (model, wrapper, _) in runs.items():  # interleaved
            if device == 'cuda':
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
            start = time.perf_counter()
            model.train_step(data, wrapper)
            if device == 'cuda':
                torch.cuda.synchronize()
                peak[name] = torch.cuda.max_memory_allocated() / 2**30
            if rep >= args.warmup:
                times[name].append(time.perf_counter() - start)
    device_name = torch.cuda.get_device_name() if device == 'cuda' else \
        f'CPU ({torch.get_num_threads()} threads)'
    print(f'{args.size}, batch {batch}, {device_name}, '
          f'{"bf16" if args.bf16 else "fp32"}, median of {args.reps}')
    speed = {name: batch / statistics.median(t) for name, t in times.items()}
    for name, value in speed.items():
        memory = f', peak {peak[name]:.2f} GiB' if name in peak else ''
        print(f'{name}: {value:.1f} img/s{memory}')
    for name in list(speed)[1:]:
        print(f'{name} / MAE: {speed[name] / speed["MAE"]:.2f}x')


if __name__ == '__main__':
    run_main(main)
