"""The downstream pipelines end to end on real images: Fashion-MNIST scenes
written by tools/benchmarks/make_standin_datasets.py, a TEC encoder exported by
tools/export_backbone.py, the tiny UperNet (MMSeg) and Mask R-CNN (MMDet)
overrides of the benchmark configs trained by tools/train.py and evaluated
with MMSeg's IoUMetric and MMDet's CocoMetric, and tools/test.py."""
import os.path as osp
import subprocess
import sys

import pytest
import torch

from tec_mm.datasets import DEBIAN_FASHION_MNIST
from tec_mm import TECViT
from tec_test_utils import ROOT, run_tool
from test_runner import logged_losses

SEG = osp.join(ROOT, 'configs/demo/upernet_vit-tiny-p4_fashion-scenes.py')
DET = osp.join(ROOT, 'configs/demo/mask-rcnn_vit-tiny-p4_fashion-scenes.py')
FINETUNE = osp.join(ROOT, 'configs/demo/vit-tiny-p4_fmnist_finetune.py')
ITERS = 20
SHORT = [
    f'train_cfg.max_iters={ITERS}', f'train_cfg.val_interval={ITERS}',
    'train_dataloader.batch_size=8', 'default_hooks.logger.interval=1',
    'param_scheduler.0.end=2', 'param_scheduler.1.begin=2',
    f'param_scheduler.1.end={ITERS}', 'optim_wrapper.optimizer.lr=4e-3',
    f'default_hooks.checkpoint.interval={ITERS}'
]
MISMATCH = 'do not match exactly'  # MMEngine's missing/unexpected keys log

pytestmark = pytest.mark.skipif(
    not osp.isdir(DEBIAN_FASHION_MNIST),
    reason='Debian package dataset-fashion-mnist not installed')


def tool(name, *args):
    res = run_tool(name, *args)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    return res.stdout + res.stderr


def data_options(config, scenes, *loaders):
    """--cfg-options pointing ``loaders`` (and the COCO evaluator) at the
    stand-ins under ``scenes``; for Mask R-CNN every detection is kept
    (after 20 iterations few clear MMDet's 0.05 score threshold, and COCO's
    mAP of no detection is not printed)."""
    if config == SEG:
        return [f'{loader}.dataset.data_root={scenes}/ade'
                for loader in loaders]
    ann = f'{scenes}/coco/annotations/instances_val2017.json'
    return ['model.test_cfg.rcnn.score_thr=0.0'] + [
        f'{loader}.dataset.data_root={scenes}/coco/'
        for loader in loaders] + [
                f'{loader.split("_")[0]}_evaluator.ann_file={ann}'
                for loader in loaders if not loader.startswith('train')
            ]


@pytest.fixture(scope='module')
def scenes(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('scenes') / 'standin')
    tool('benchmarks/make_standin_datasets.py', root, '--train', '64',
         '--val', '8')
    return root


@pytest.fixture(scope='module')
def backbone(tmp_path_factory):
    """The demo's tiny TEC encoder (random weights), exported."""
    folder = tmp_path_factory.mktemp('tec')
    torch.manual_seed(0)
    encoder = TECViT(
        arch=dict(
            embed_dims=96, num_layers=6, num_heads=4,
            feedforward_channels=384),
        img_size=28,
        patch_size=4,
        in_channels=1)
    encoder.init_weights()
    state = {f'backbone.{k}': v for k, v in encoder.state_dict().items()}
    torch.save(dict(meta=dict(), state_dict=state), str(folder / 'tec.pth'))
    tool('export_backbone.py', str(folder / 'tec.pth'),
         str(folder / 'backbone.pth'))
    return str(folder / 'backbone.pth')


def first_and_last_loss(work_dir):
    losses = [row['loss'] for _, row in logged_losses(work_dir)]
    assert len(losses) == ITERS
    return sum(losses[:4]) / 4, sum(losses[-4:]) / 4


def loaded(config: str, backbone: str) -> str:
    """The log line of the backbone's pretrained weights, of the export's
    78 tensors: MMSeg's MAE leaves out the final norm, ViTDet's backbone
    the final norm and the CLS token."""
    if config == SEG:
        return f'CheckedMAE: loaded 76 tensors from {backbone}'
    return f'ViTDetBackbone: loaded 75 tensors from {backbone}'


@pytest.mark.parametrize('config,metrics,test_args', [
    (SEG, ('mIoU:', 'aAcc:'), ('--tta', )),
    (DET, ('coco/bbox_mAP:', 'coco/segm_mAP:'), ()),
])
def test_trains_evaluates_and_tests(config, metrics, test_args, scenes,
                                    backbone, tmp_path):
    work_dir = str(tmp_path / 'train')
    out = tool('train.py', config, '--work-dir', work_dir, '--cfg-options',
               *SHORT,
               *data_options(config, scenes, 'train_dataloader',
                             'val_dataloader'),
               f'model.backbone.init_cfg.checkpoint={backbone}')
    assert loaded(config, backbone) in out
    assert MISMATCH not in out
    first, last = first_and_last_loss(work_dir)
    assert last < 0.85 * first, (first, last)
    assert all(metric in out for metric in metrics), out[-3000:]

    out = tool('test.py', config, osp.join(work_dir, f'iter_{ITERS}.pth'),
               '--work-dir', str(tmp_path / 'test'), *test_args,
               '--cfg-options', *data_options(config, scenes,
                                              'test_dataloader'))
    assert 'Iter(test) [1/1]' in out and metrics[0] in out


def test_fine_tuning_loads_the_global_pool_export(backbone, tmp_path):
    pretrain = osp.join(osp.dirname(backbone), 'tec.pth')
    gp = str(tmp_path / 'backbone_gp.pth')
    tool('export_backbone.py', pretrain, gp, '--global-pool')
    work_dir = str(tmp_path / 'cls')
    out = tool('train.py', FINETUNE, '--work-dir', work_dir, '--cfg-options',
               'train_dataloader.dataset.indices=640',
               'train_dataloader.batch_size=32',
               'val_dataloader.dataset.indices=200',
               'default_hooks.logger.interval=1',
               'optim_wrapper.optimizer.lr=4e-3',
               f'model.backbone.init_cfg.checkpoint={gp}')
    assert f'load backbone. in model from: {gp}' in out
    assert MISMATCH not in out
    losses = [row['loss'] for _, row in logged_losses(work_dir)]
    assert len(losses) == 40
    # from ln(10) with a near-zero head; mixup and label smoothing keep it high
    assert sum(losses[-5:]) < 0.97 * sum(losses[:5]), losses
    assert 'accuracy/top1:' in out


@pytest.mark.parametrize('library', ['mmseg', 'mmdet'])
def test_stock_train_scripts_run_the_configs(library, scenes, backbone,
                                             tmp_path):
    """MMSeg's and MMDet's own tools/train.py (shipped in their packages)
    import tec_mm through the configs' custom_imports."""
    package = __import__(library)
    script = osp.join(osp.dirname(package.__file__), '.mim/tools/train.py')
    config = SEG if library == 'mmseg' else DET
    options = [
        'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
        'train_dataloader.batch_size=2',
        f'model.backbone.init_cfg.checkpoint={backbone}',
        *data_options(config, scenes, 'train_dataloader', 'val_dataloader')
    ]
    res = subprocess.run([
        sys.executable, script, config, '--work-dir', str(tmp_path),
        '--cfg-options', *options
    ], capture_output=True, text=True, timeout=900, cwd=str(tmp_path))
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    assert loaded(config, backbone) in out
    assert MISMATCH not in out
    assert ('mIoU:' if library == 'mmseg' else 'coco/bbox_mAP:') in out
