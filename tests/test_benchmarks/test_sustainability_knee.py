"""The knee stages of tools/benchmarks/sustainability.py on a few images:
curve points as decay branches of one stable run, the sweep, the
fine-tuning length and the arms, each measured once."""
import json
import os.path as osp

import pytest
from tec_bench.knee_study import setting_tag
from tec_test_utils import run_tool

from tec_mm.datasets import DEBIAN_FASHION_MNIST

pytestmark = pytest.mark.skipif(
    not osp.isdir(DEBIAN_FASHION_MNIST),
    reason='Debian package dataset-fashion-mnist not installed')
# one candidate, E = 6 (partner 8), and a rule every pair meets; the
# smaller problem's encoder; 8 iterations per epoch (the short warm-up of
# the 2-epoch TEC is a third of 0.5 epoch)
QUICK = ['--knee-model', 'vit-mini-p4', '--knee-epochs', '6', '6',
         '--knee-gain', '1000',
         '--longest-finetune', '2', '--eval-images', '200',
         '--cfg-options', 'train_dataloader.dataset.indices=128',
         'train_dataloader.batch_size=16', '--finetune-options',
         'train_dataloader.dataset.indices=64',
         'val_dataloader.dataset.indices=100',
         'train_dataloader.batch_size=32']


def knee(tmp, *stages):
    res = run_tool('benchmarks/sustainability.py', '--stages', *stages,
                   '--work-dir', str(tmp / 'work'), '--results',
                   str(tmp / 'res'), *QUICK)
    assert res.returncode == 0, res.stderr[-3000:]
    with open(tmp / 'res/results.json') as f:
        return res.stdout, json.load(f)


@pytest.fixture(scope='module')
def study(tmp_path_factory):
    """The stages up to the fine-tuning length (only 2 epochs tried: the
    rule that chooses it is tested by hand), then the base's and TEC's
    arms at the knee for seed 0 (the others are the same runs)."""
    tmp = tmp_path_factory.mktemp('knee')
    _, results = knee(tmp, 'knee-plan', 'knee', 'knee-sweep', 'knee-recipe')
    tec = f"tec{setting_tag(results['chosen'])}_mae6wsd_s0+2"
    out, results = knee(tmp, 'knee-arms', '--arms', 'mae6wsd_s0', tec)
    return tmp, out, results, tec


def test_the_plan_times_each_kind_of_run(study):
    tmp, _, results, _ = study
    plan = results['plan']
    assert all(plan[k] > 0 for k in ('mae', 'tec', 'finetune_50k',
                                      'finetune_60k', 'probe'))
    log = (tmp / 'work/plan/mae/tools.log').read_text()
    assert 'train_dataloader.dataset.indices=128' in log
    # the user's 128 images at batch 16 won: 8 iterations, each logged
    (scalars, ) = (tmp / 'work/plan/mae').glob('*/vis_data/scalars.json')
    logged = [json.loads(line) for line in scalars.read_text().splitlines()]
    assert [r['iter'] for r in logged if 'loss' in r] == list(range(1, 9))


def test_curve_points_are_decay_branches_of_one_stable_run(study):
    tmp, _, results, _ = study
    assert results['e1'] == 6
    assert results['model'] == 'vit-mini-p4'
    six, eight = results['curve']['mae6wsd_s0'], results['curve'][
        'mae8wsd_s0']
    tuned = results['finetune_val']
    assert len(tuned['mae6wsd_s0']['2']) == len(tuned['mae8wsd_s0']['2']) == 2
    assert results['knee_finetune'] == 2
    assert eight['flops'] / six['flops'] == pytest.approx(8 / 6)
    # E = 6: stable to 5, decay 1; E = 8: stable to 7, decay 1
    log = (tmp / 'work/mae6wsd_s0/tools.log').read_text()
    assert '--resume ' + str(tmp / 'work/mae_wsd_s0/stable/epoch_5.pth') \
        in log and 'param_scheduler.0.decay_begin=5' in log
    assert 'resumed epoch: 5' in log
    assert 'configs/sustainability/mae_vit-mini-p4_fmnist-10k_wsd.py' in log
    stable = tmp / 'work/mae_wsd_s0/stable'
    assert {p.name for p in stable.glob('epoch_*.pth')} >= {
        'epoch_5.pth', 'epoch_7.pth', 'epoch_11.pth'}  # 11: the 2 E1 point


def test_sweep_recipe_and_arms_from_the_knee_base(study):
    _, out, results, tec = study
    sweep = results['sweep']
    taus = ['tau=1.0', 'tau=0.5', 'tau=0.2']
    best = max(taus, key=lambda n: sweep[n]['knn'])
    changes = [f'{best}, {c}' for c in ('K=8', 'lr x2', 'short warm-up')]
    assert set(taus + changes) <= set(sweep)
    assert results['chosen'] == max(taus + changes,
                                    key=lambda n: sweep[n]['knn'])
    assert results['finetune_epochs'] == 2
    assert results['finetune_settled'] is False  # nothing longer tried
    arms = results['arms']
    assert set(arms) == {'mae6wsd_s0', tec}
    assert all(len(a['finetune']) == results['finetune_epochs']
               for a in arms.values())
    # the arms reuse the sweep's TEC run and the curve's points
    assert '  training ' not in out and 'decay branch' not in out
    assert arms[tec]['flops'] > arms['mae6wsd_s0']['flops']
    assert set(results['entropy']) == {f'tau={t}, K={k}' for t in
                                       (1.0, 0.5, 0.2) for k in (4, 8)}


def test_the_report_and_nothing_measured_twice(study):
    tmp, _, results, _ = study
    out, again = knee(tmp, 'knee', 'knee-sweep', 'knee-recipe')
    assert 'decay branch' not in out and '  training ' not in out and \
        '  fine-tuning ' not in out
    assert again['arms'] == results['arms']
    text = (tmp / 'res/results.md').read_text()
    assert '**E1 = 6**' in text and '## Verdicts' in text
    assert 'TEC for E1/3 from the base at E1 = 6.' in text
    assert 'TEC E1/3 above the base (E1 = 6)' in text
    assert 'seed 1 not measured yet' in text
    assert (tmp / 'res/curve.png').stat().st_size > 0
