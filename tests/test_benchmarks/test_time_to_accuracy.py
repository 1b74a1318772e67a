"""tools/benchmarks/time_to_accuracy.py: the time to the standard's
accuracy by hand, and the tool on a few images."""
import json

import time_to_accuracy as tta
from tec_test_utils import run_tool


def curve(*points):
    return [dict(epoch=i + 1, minutes=m, knn=k)
            for i, (m, k) in enumerate(points)]


def test_time_to_the_standard_accuracy_by_hand():
    results = dict(
        rows=dict(tec=dict(standard='a', fast='b', slow='c')),
        arms=dict(
            a=dict(curve=curve((1., 70.), (2., 75.)), minutes=2.,
                   finetune=80.),
            b=dict(curve=curve((0.5, 74.8), (1., 76.)), minutes=1.,
                   finetune=80.5),
            c=dict(curve=curve((1., 60.), (2., 74.6)), minutes=2.,
                   finetune=79.)))
    # target 75 - 0.3 = 74.7: the standard at 2 min (1x), the fast run at
    # its first epoch, 0.5 min (4x), the slow one never
    assert tta.time_to(results['arms']['c']['curve'], 74.7) is None
    text = tta.report(results)
    assert '### TEC (target kNN 74.70 %)' in text
    assert '| standard | 2.0 | 75.00 | 80.00 | 2.0 | 1.00x |' in text
    assert '| fast | 1.0 | 76.00 | 80.50 | 0.5 | 4.00x |' in text
    assert '| slow | 2.0 | 74.60 | 79.00 | - | not reached |' in text


def test_tool_measures_every_epoch_on_a_few_images(tmp_path):
    sustainability = tmp_path / 'sus'
    sustainability.mkdir()
    (sustainability / 'results.json').write_text(json.dumps(
        dict(e1=6, chosen='tau=0.5')))
    res = run_tool(
        'benchmarks/time_to_accuracy.py', '--methods', 'tec', '--strategies',
        'standard', 'hard masks', '--work-dir', str(tmp_path / 'work'),
        '--results', str(tmp_path / 'res'), '--sustainability',
        str(sustainability), '--eval-images', '100', '--cfg-options',
        'train_dataloader.dataset.indices=64',
        'train_dataloader.batch_size=16', '--finetune-options',
        'train_dataloader.dataset.indices=64',
        'val_dataloader.dataset.indices=100', 'train_dataloader.batch_size=32')
    assert res.returncode == 0, res.stderr[-3000:]
    results = json.loads((tmp_path / 'res/results.json').read_text())
    keys = results['rows']['tec']
    assert list(keys) == ['standard', 'hard masks']
    for key in keys.values():
        record = results['arms'][key]
        # 2 epochs of TEC from a 6-epoch base, a checkpoint of each measured
        assert [p['epoch'] for p in record['curve']] == [1, 2]
        first, last = (p['minutes'] for p in record['curve'])
        assert 0 < first < last == record['minutes']
    log = (tmp_path / 'work' / keys['hard masks'] / 'tools.log').read_text()
    assert "type='HardMaskSampler'" in log
    assert '### TEC' in (tmp_path / 'res/results.md').read_text()
