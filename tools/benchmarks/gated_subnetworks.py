"""Gated sub-networks on the sustainability benchmark's tiny ViT: dense and
gated accuracy, counted MACs and CPU wall-clock against a dense-only MAE
run of the same length (CPU, about 25 min per target).

For each target density t_d, MMPretrain's MAE co-trains the dense encoder
and its gated sub-network (``configs/gated_subnetworks/
mae_vit-tiny-p4_fmnist-30k_gated.py``, seed 0, the sustainability budget's
warm-up and cosine for ``--epochs``). Both are measured as the
sustainability benchmark measures an arm: end-to-end fine-tuning on all 60k
training images with its recipe (the gated one in ``tec_mm.GatedViT``, its
gates frozen), top-1 on the 10k test images, and kNN top-1 on frozen
features. The dense-only run is that benchmark's MAE arm of the same
length (taken from its results when measured, else trained). Inference:
MACs counted per image on the test images (the gate MLPs included), and
wall-clock of the exported dense ``VisionTransformer`` and ``GatedViT`` in
``eval()`` at batch 1 (mean over images) and batch 256 (where the gated
model runs the union of the batch's open heads and groups, each image's
own closed ones zeroed; the MACs that union executes are reported too).
The same wall-clock at ViT-B/16 scale (224 px, random weights, every block's
gates fixed to half its heads and groups) shows the skipping where compute,
not per-operation overhead, dominates. ``--retime`` measures the
wall-clocks again (e.g. on an otherwise idle machine) and nothing else.

Usage:
    python tools/benchmarks/gated_subnetworks.py [--targets T ...]
        [--epochs E] [--work-dir DIR] [--results DIR]
        [--sustainability DIR] [--cfg-options K=V ...]
        [--finetune-options K=V ...] [--eval-images N] [--timing-images N]
        [--retime]
"""
import argparse
import json
import os
import os.path as osp
import time
from typing import Dict, Tuple

import torch
from mmengine.config import Config
from mmengine.runner import Runner
from mmpretrain.models import VisionTransformer

from tec_bench import (build_pretraining_model, fashion_mnist_features,
                       fine_tune, last_checkpoint, run_tool)
from tec_bench.sustainability_arms import (DATA_ROOT, FINETUNE, ROOT,
                                           Benchmark, mae, schedule)
from tec_mm import GatedViT, block_macs, export_backbone, load_checkpoint_file
from tec_mm.engine import run_main
from tec_mm.evaluation import knn_predict, top1

GATED = osp.join(ROOT, 'configs/gated_subnetworks/'
                 'mae_vit-tiny-p4_fmnist-30k_gated.py')
GATED_FINETUNE = osp.join(ROOT, 'configs/gated_subnetworks/'
                          'vit-tiny-p4_fmnist-60k_gated_finetune.py')


def exported(cfg: Config, checkpoint: str) -> Tuple[VisionTransformer,
                                                    GatedViT]:
    """The dense and the gated encoder of a gated run, as exported, in
    ``eval()``."""
    backbone = cfg.model.backbone
    shape = dict(arch=backbone.arch, img_size=backbone.img_size,
                 patch_size=backbone.patch_size,
                 in_channels=backbone.patch_cfg.in_channels)
    state, _ = export_backbone(load_checkpoint_file(checkpoint)['state_dict'])
    dense = VisionTransformer(**shape)
    dense.load_state_dict({k: v for k, v in state.items()
                           if '.gates.' not in k})
    gated = GatedViT(**shape, gate_groups=backbone.gate_groups)
    gated.load_state_dict(state)
    dense.eval()
    return dense, gated.eval()


@torch.no_grad()
def seconds(model: torch.nn.Module, images: torch.Tensor,
            batch: int) -> float:
    """Mean wall-clock per forward of ``batch`` images (after one warm-up
    forward)."""
    chunks = images.split(batch)
    model(chunks[0])
    start = time.perf_counter()
    for chunk in chunks:
        model(chunk)
    return (time.perf_counter() - start) / len(chunks)


@torch.no_grad()
def inference(cfg: Config, checkpoint: str, images: torch.Tensor) -> dict:
    """MACs and wall-clock of the dense and the gated exported encoder."""
    dense, gated = exported(cfg, checkpoint)
    gated(images[:1000])
    ratio, _ = gated.gate_statistics()
    full = gated.stem_macs() + sum(
        executed_macs(layer, False) for layer in gated.layers)
    gated(images[:256])
    union = gated.stem_macs() + sum(
        executed_macs(layer, True) + layer.gates.macs
        for layer in gated.layers)
    return dict(
        dense_mmacs=full / 1e6, gated_mmacs=ratio.mean().item() * full / 1e6,
        union_256_mmacs=union / 1e6,
        **{f'{name}_b{b}_ms': 1e3 * seconds(model, images[:n], b)
           for name, model in (('dense', dense), ('gated', gated))
           for b, n in ((1, 200), (256, 1280))})


@torch.no_grad()
def vit_b_half_gates(repeats: int = 5) -> dict:
    """Batch-1 wall-clock of a ViT-B/16 and of its gated model with half of
    every block's heads and MLP groups open (random weights)."""
    shape = dict(arch='b', img_size=224, patch_size=16)
    dense = VisionTransformer(**shape)
    gated = GatedViT(**shape, gate_groups=8)
    gated.load_state_dict(dense.state_dict(), strict=False)
    for layer in gated.layers:
        logits = layer.gates.mlp[2]
        torch.nn.init.zeros_(logits.weight)
        logits.bias.copy_(torch.tensor([1.] * 6 + [-1.] * 6 + [1.] * 4 +
                                       [-1.] * 4))
    dense.eval()
    gated.eval()
    images = torch.randn(repeats, 3, 224, 224)
    gated(images[:1])
    ratio, _ = gated.gate_statistics()
    return dict(mac_ratio=ratio.item(), dense_b1_ms=1e3 * seconds(
        dense, images, 1), gated_b1_ms=1e3 * seconds(gated, images, 1))


def executed_macs(layer: torch.nn.Module, union: bool) -> float:
    """Dense MACs of a gated block at its last token count, or (``union``)
    those of the union of its last batch's open heads and groups."""
    heads, groups, tokens = layer.last_gates
    shares = (heads.any(0).float().mean(), groups.any(0).float().mean()) \
        if union else (1., 1.)
    return float(block_macs(tokens, layer.embed_dims,
                            layer.ffn.layers[0][0].out_features, *shares))


def measure(args: argparse.Namespace, target: float) -> dict:
    """Train the gated run of ``target`` (unless done) and measure it."""
    work_dir = osp.join(args.work_dir, f'gated_td{target}_e{args.epochs}')
    options = [*args.cfg_options, 'randomness.seed=0',
               *schedule(args.epochs), f'model.target_density={target}']
    done = osp.join(work_dir, 'done.json')
    if not osp.exists(done):
        start = time.time()
        run_tool('train.py', GATED, '--work-dir', work_dir, '--cfg-options',
                 *options, log=osp.join(work_dir, 'tools.log'),
                 label=f'training t_d={target}')
        with open(done, 'w') as f:
            json.dump(dict(minutes=(time.time() - start) / 60), f)
    with open(done) as f:
        record = dict(target=target, **json.load(f))
    checkpoint = last_checkpoint(work_dir)
    for name, config, export in (('dense', FINETUNE, ['--dense']),
                                 ('gated', GATED_FINETUNE, [])):
        record[f'{name}_finetune'] = fine_tune(
            config, checkpoint, osp.join(work_dir, f'finetune_{name}'),
            args.finetune_options, f'fine-tuning {name} t_d={target}',
            export)
    cfg = gated_config(target)
    model = build_pretraining_model(cfg, checkpoint)
    n = args.eval_images
    for name, gating in (('dense', False), ('gated', True)):
        model.backbone.set_gating(gating)
        (tr_x, tr_y), (te_x, te_y) = (
            fashion_mnist_features(model, DATA_ROOT, split, n)
            for split in ('train', 'test'))
        record[f'{name}_knn'] = top1(knn_predict(tr_x, tr_y, te_x, 10), te_y)
    record.update(inference(cfg, checkpoint, timing_batch(
        args.timing_images, model.data_preprocessor)))
    return record


def gated_config(target: float) -> Config:
    """The gated pretraining config at target density ``target``."""
    cfg = Config.fromfile(GATED)
    cfg.merge_from_dict({'model.target_density': target})
    return cfg


def timing_batch(count: int, preprocessor: torch.nn.Module) -> torch.Tensor:
    """The first ``count`` test images, normalised by ``preprocessor`` (the
    encoders' data preprocessor), count x 1 x 28 x 28."""
    loader = Runner.build_dataloader(dict(
        batch_size=count, sampler=dict(type='DefaultSampler', shuffle=False),
        collate_fn=dict(type='default_collate'),
        dataset=dict(type='LocalFashionMNIST', data_root=DATA_ROOT,
                     split='test', indices=count,
                     pipeline=[dict(type='PackInputs')])))
    return preprocessor(next(iter(loader)))['inputs']


def write_table(results: dict, path: str) -> str:
    """``results.md``: one row per network; returns its text."""
    ref = results['dense_only']
    lines = ['| network | fine-tuning top-1 % | kNN % | MMACs / image | '
             'ms, batch 1 | ms, batch 256 |', '|---|---|---|---|---|---|',
             f"| {ref['label']}, dense only | {ref['finetune'][-1]:.2f} | "
             f"{ref['knn']:.2f} | | | |"]
    for key, r in results.items():
        if not key.startswith('td'):
            continue
        for name in ('dense', 'gated'):
            macs = r[f'{name}_mmacs']
            extra = f" ({r['union_256_mmacs']:.2f} run at batch 256)" \
                if name == 'gated' else ''
            lines.append(
                f"| t_d = {r['target']}: {name} | "
                f"{r[f'{name}_finetune'][-1]:.2f} | {r[f'{name}_knn']:.2f} "
                f"| {macs:.2f}{extra} | {r[f'{name}_b1_ms']:.2f} | "
                f"{r[f'{name}_b256_ms']:.1f} |")
    if 'vit_b' in results:
        b = results['vit_b']
        lines += ['', 'ViT-B/16 at 224 px, half of every block\'s heads and '
                  f"groups open (MAC ratio {b['mac_ratio']:.3f}), batch 1: "
                  f"dense {b['dense_b1_ms']:.0f} ms, gated "
                  f"{b['gated_b1_ms']:.0f} ms "
                  f"({b['gated_b1_ms'] / b['dense_b1_ms']:.2f}x)."]
    text = '\n'.join(lines) + '\n'
    with open(path, 'w') as f:
        f.write(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--targets', type=float, nargs='+',
                        default=[0.5, 0.3, 0.7])
    parser.add_argument('--epochs', type=int, default=6)
    parser.add_argument('--work-dir',
                        default=osp.join(ROOT, 'work_dirs/sustainability'))
    parser.add_argument('--results',
                        default=osp.join(ROOT, 'results/gated_subnetworks'))
    parser.add_argument('--sustainability',
                        default=osp.join(ROOT, 'results/sustainability'),
                        help="the sustainability benchmark's results (its "
                        'MAE arm is the dense-only run)')
    parser.add_argument('--cfg-options', nargs='+', default=[])
    parser.add_argument('--finetune-options', nargs='+', default=[])
    parser.add_argument('--eval-images', type=int)
    parser.add_argument('--timing-images', type=int, default=1280)
    parser.add_argument('--vit-b-repeats', type=int, default=5)
    parser.add_argument('--retime', action='store_true',
                        help='measure the wall-clocks again, nothing else')
    args = parser.parse_args()
    path = osp.join(args.results, 'results.json')
    results: Dict[str, dict] = {}
    if osp.exists(path):
        with open(path) as f:
            results = json.load(f)
    reference = Benchmark(argparse.Namespace(
        results=args.sustainability, work_dir=args.work_dir, fresh=False,
        cfg_options=args.cfg_options, eval_images=args.eval_images,
        finetune_options=args.finetune_options))
    arm = mae(args.epochs, 0)
    results['dense_only'] = reference.measure(arm, arm.key, arm.label)
    if args.retime:
        images = timing_batch(args.timing_images, build_pretraining_model(
            gated_config(0.5), None).data_preprocessor)
        for key, record in results.items():
            if key.startswith('td'):
                record.update(inference(
                    gated_config(record['target']), last_checkpoint(
                        osp.join(args.work_dir, f'gated_{key}')), images))
    if args.retime or 'vit_b' not in results:
        results['vit_b'] = vit_b_half_gates(args.vit_b_repeats)
    for target in [None, *args.targets]:  # None: save what is there
        key = f'td{target}_e{args.epochs}'
        if target is not None and key not in results:
            results[key] = measure(args, target)
        os.makedirs(args.results, exist_ok=True)
        with open(path, 'w') as f:
            json.dump(results, f, indent=1)
    print(write_table(results, osp.join(args.results, 'results.md')))


if __name__ == '__main__':
    run_main(main)
