import json

import pytest

from tec_bench import last_checkpoint, logged_metrics, run_tool
from tec_bench.runs import _ETA, _seconds
from tec_mm.engine import Refusal


def test_eta_read_from_mmengine_log_lines():
    line = ('11/25 21:06:24 - mmengine - INFO - Epoch(train) [1][ 40/118]  '
            'base_lr: 6.7e-04 lr: 6.7e-04  eta: 0:02:42  time: 0.7953')
    assert _seconds(_ETA.search(line)) == 162
    line = 'Iter(train) [ 100/400]  lr: 1e-4  eta: 1 day, 2:03:04  time: 1'
    assert _seconds(_ETA.search(line)) == 86400 + 7200 + 180 + 4
    assert _ETA.search('Epoch(val) [1][20/20]  eta: 0:00:01') is None


def test_logged_metrics_of_the_newest_run(tmp_path):
    for stamp, values in (('20260101_000000', [1.]), ('20260102_000000',
                                                      [50., 60.])):
        folder = tmp_path / stamp / 'vis_data'
        folder.mkdir(parents=True)
        (folder / 'scalars.json').write_text('\n'.join(
            json.dumps({'accuracy/top1': v, 'step': i + 1})
            for i, v in enumerate(values)) + '\n{"loss": 0.5, "step": 9}\n')
    assert logged_metrics(str(tmp_path), ['accuracy/top1']) == {
        'accuracy/top1': [50., 60.]}
    with pytest.raises(FileNotFoundError, match="'mIoU'"):
        logged_metrics(str(tmp_path), ['mIoU'])
    (tmp_path / 'last_checkpoint').write_text('/a/epoch_2.pth\n')
    assert last_checkpoint(str(tmp_path)) == '/a/epoch_2.pth'


def test_a_refusing_tool_raises_its_error_line(tmp_path):
    log = tmp_path / 'tools.log'
    with pytest.raises(Refusal, match="^Base checkpoint not found: "
                       "'/missing.pth'"):
        run_tool('train.py', 'configs/demo/tec_vit-tiny-p4_fmnist.py',
                 '--work-dir', str(tmp_path / 'w'), '--cfg-options',
                 'model.target_generator.checkpoint=/missing.pth',
                 log=str(log))
    assert 'error: Base checkpoint not found' in log.read_text()
