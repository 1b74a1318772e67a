"""tools/benchmarks/gated_subnetworks.py on a few images: one target
density, its dense and gated measurements against the dense-only arm."""
import json

import pytest

from tec_test_utils import run_tool


def test_gated_benchmark_measures_dense_gated_and_dense_only(tmp_path):
    # the dense-only run is the sustainability benchmark's arm, as recorded
    dense_only = dict(label='MAE 1 ep', seed=0, epochs=1,
                      finetune=[50., 61.], knn=62.5, linear=60.,
                      minutes=1., flops=1.)
    (tmp_path / 'sus').mkdir()
    (tmp_path / 'sus/results.json').write_text(json.dumps(
        dict(arms=dict(mae1_s0=dense_only), sweep={})))
    res = run_tool(
        'benchmarks/gated_subnetworks.py', '--targets', '0.5', '--epochs',
        '1', '--work-dir', str(tmp_path / 'work'), '--results',
        str(tmp_path / 'res'), '--sustainability', str(tmp_path / 'sus'),
        '--eval-images', '100', '--timing-images', '256',
        '--vit-b-repeats', '1', '--cfg-options',
        'train_dataloader.dataset.indices=64',
        'train_dataloader.batch_size=16', '--finetune-options',
        'train_dataloader.dataset.indices=64',
        'val_dataloader.dataset.indices=100',
        'train_dataloader.batch_size=32')
    assert res.returncode == 0, res.stderr[-3000:]
    with open(tmp_path / 'res/results.json') as f:
        results = json.load(f)
    assert results['dense_only'] == dense_only
    assert 'training mae1_s0' not in res.stdout
    run = results['td0.5_e1']
    # 49 patches + CLS at inference: stem 49 * 96*16, 6 blocks of
    # 4*50*96^2 + 2*50^2*96 + 2*50*96*384 MACs
    assert run['dense_mmacs'] == pytest.approx(
        (75264 + 6 * (1843200 + 480000 + 3686400)) / 1e6)
    assert 0 < run['gated_mmacs'] <= run['union_256_mmacs'] + 1e-9
    for name in ('dense', 'gated'):
        assert len(run[f'{name}_finetune']) == 2  # after each FT epoch
        assert 0 <= run[f'{name}_knn'] <= 100
        assert run[f'{name}_b1_ms'] > 0 and run[f'{name}_b256_ms'] > 0
    # ViT-B/16, half of each block open: stem 196 * 768*3*16*16, 12 blocks
    # of 1453954560 dense MACs, half of it gated plus 768*192 + 192*20
    vit_b = results['vit_b']
    assert vit_b['mac_ratio'] == pytest.approx(
        (115605504 + 12 * (1453954560 / 2 + 151296)) /
        (115605504 + 12 * 1453954560), rel=1e-6)
    text = (tmp_path / 'res/results.md').read_text()
    assert '| MAE 1 ep, dense only | 61.00 | 62.50 |' in text
    assert '| t_d = 0.5: gated |' in text
    # the gated fine-tuning ran the exported gates in GatedViT
    log = (tmp_path / 'work/gated_td0.5_e1/finetune_gated/tools.log')
    assert 'gates:   24 tensors kept for tec_mm.GatedViT' in log.read_text()
