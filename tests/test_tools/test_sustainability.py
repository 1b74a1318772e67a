"""tools/benchmarks/sustainability.py: every arm trained through
tools/train.py, evaluated, tabulated and plotted; a second run reuses the
trained arms."""
import json
import os.path as osp

import pytest

from tec_test_utils import load_tool, run_tool

QUICK = ['--seeds', '0', '1', '--eval-images', '300', '--cfg-options',
         'train_dataloader.dataset.indices=128', 'train_cfg.max_epochs=1',
         'train_dataloader.batch_size=64']
ARMS = [
    'random init (no pretraining)', 'MAE base (E1)',
    'MAE E1+E2 (base trained longer)', 'TEC (E1 base + E2)',
    'TEC without attention target (E1 base + E2)',
    'TEC, channel norm instead of patch norm (E1 base + E2)',
    'TEC without conditional adapter (E1 base + E2)'
]


@pytest.fixture(scope='module')
def first_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('sustainability')
    args = ['--work-dir', str(tmp / 'work'), '--results', str(tmp / 'res')]
    res = run_tool('benchmarks/sustainability.py', *args, *QUICK)
    assert res.returncode == 0, res.stderr[-3000:]
    return tmp, args, res


def test_all_arms_in_table_json_and_plot(first_run):
    tmp, _, _ = first_run
    with open(tmp / 'res/results.json') as f:
        results = json.load(f)
    summary = {s['arm']: s for s in results['summary']}
    assert list(summary) == ARMS
    # two seeds for base, continued MAE and TEC; one for the ablations
    assert [len(summary[a]['seeds']) for a in ARMS] == [1, 2, 2, 2, 1, 1, 1]
    for s in summary.values():
        for key in ('knn', 'linear'):
            assert all(0 <= v <= 100 for v in s[f'{key}_all'])
            assert s[key] == pytest.approx(
                sum(s[f'{key}_all']) / len(s[f'{key}_all']))
    table = (tmp / 'res/results.md').read_text()
    for arm in ARMS:
        assert f'| {arm} |' in table
    mae = summary['MAE E1+E2 (base trained longer)']
    assert f"{mae['knn']:.2f} ({mae['knn_all'][0]:.2f} / " \
        f"{mae['knn_all'][1]:.2f})" in table
    tec, base = summary['TEC (E1 base + E2)'], summary['MAE base (E1)']
    assert f"MAE base (E1): {tec['knn'] - base['knn']:+.2f} kNN, " \
        f"{tec['linear'] - base['linear']:+.2f} linear" in table
    png = (tmp / 'res/accuracy_vs_cost.png').read_bytes()
    assert png.startswith(b'\x89PNG') and len(png) > 10000


def test_costs_add_the_base_and_arms_start_from_it(first_run):
    tmp, _, _ = first_run
    work = tmp / 'work'

    def done(arm):
        with open(work / arm / 'done.json') as f:
            return json.load(f)

    with open(tmp / 'res/results.json') as f:
        rows = json.load(f)['rows']
    cost = {(r['arm'], r['seed']): r['minutes'] for r in rows}
    for seed in (0, 1):
        base = done(f'mae_e1_seed{seed}')
        assert cost[('MAE base (E1)', seed)] == pytest.approx(base['minutes'])
        assert cost[('TEC (E1 base + E2)', seed)] == pytest.approx(
            base['minutes'] + done(f'tec_seed{seed}')['minutes'])
        assert cost[('MAE E1+E2 (base trained longer)', seed)] == \
            pytest.approx(base['minutes'] +
                          done(f'mae_e1+e2_seed{seed}')['minutes'])
        # the continued MAE loaded the base's weights; TEC used it as base
        log = (work / f'mae_e1+e2_seed{seed}').rglob('*.log')
        assert any(f'Load checkpoint from {base["checkpoint"]}' in
                   p.read_text() for p in log)
        log = (work / f'tec_seed{seed}').rglob('*.log')
        assert any(base['checkpoint'] in p.read_text() for p in log)
    assert not osp.exists(work / 'tec_no-adapter_seed1')


def test_second_run_reuses_trained_arms(first_run):
    tmp, args, res = first_run
    again = run_tool('benchmarks/sustainability.py', *args, *QUICK)
    assert again.returncode == 0, again.stderr[-3000:]
    assert '$ ' in res.stdout and '$ ' not in again.stdout  # nothing trained
    # same checkpoints, deterministic evaluation: the same table
    table = lambda out: out[out.index('| arm |'):out.index('total:')]  # noqa
    assert table(again.stdout) == table(res.stdout)


def test_verdict_says_whether_tec_beat_each_mae_arm():
    def arm(name, knn, linear):
        return dict(arm=name, knn=knn, linear=linear)

    verdict = load_tool('benchmarks/sustainability.py').verdict([
        arm('MAE base (E1)', 70., 71.),
        arm('MAE E1+E2 (base trained longer)', 72., 70.),
        arm('TEC (E1 base + E2)', 71.5, 71.25)
    ])
    assert verdict == (
        'TEC beats MAE base (E1): +1.50 kNN, +0.25 linear (mean over seeds); '
        'TEC is mixed on MAE E1+E2 (base trained longer): -0.50 kNN, +1.25 '
        'linear (mean over seeds).')
    verdict = load_tool('benchmarks/sustainability.py').verdict([
        arm('MAE base (E1)', 70., 71.),
        arm('MAE E1+E2 (base trained longer)', 72., 73.),
        arm('TEC (E1 base + E2)', 69., 70.)
    ])
    assert verdict.startswith('TEC does not beat MAE base (E1): -1.00 kNN')
