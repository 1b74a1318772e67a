"""tools/benchmarks/sustainability.py on a few images: the curve stage
picks E1, the arms stage measures an arm from it, a finished arm is never
measured again, and an arm whose base checkpoint is gone retrains the base
and gets the same numbers."""
import argparse
import json
import shutil

import pytest

from tec_bench import sustainability_arms, sustainability_report
from tec_test_utils import run_tool

QUICK = ['--curve-epochs', '3', '--eval-images', '200', '--cfg-options',
         'train_dataloader.dataset.indices=128',
         'train_dataloader.batch_size=16', '--finetune-options',
         'train_dataloader.dataset.indices=64',
         'val_dataloader.dataset.indices=100',
         'train_dataloader.batch_size=32']
TEC = 'tec_mae3_s0+1'


def bench(tmp, *args):
    res = run_tool('benchmarks/sustainability.py', '--work-dir',
                   str(tmp / 'work'), '--results', str(tmp / 'res'), *args,
                   *QUICK)
    assert res.returncode == 0, res.stderr[-3000:]
    with open(tmp / 'res/results.json') as f:
        return res.stdout, json.load(f)


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('sustainability')
    curve = bench(tmp, '--stages', 'curve')
    arm = bench(tmp, '--stages', 'arms', '--arms', TEC)
    return tmp, curve, arm


def test_curve_measures_base_and_continued_mae_and_picks_e1(runs):
    _, (out, results), _ = runs
    assert set(results['arms']) == {'mae3_s0', 'mae3+1_s0'}
    assert results['e1'] == 3  # the only curve point
    base, more = results['arms']['mae3_s0'], results['arms']['mae3+1_s0']
    assert (base['epochs'], more['epochs']) == (3, 4)
    # fine-tuning top-1 after each of its 2 epochs, on 100 test images
    assert all(len(r['finetune']) == 2 for r in (base, more))
    assert all(v == round(v) for v in base['finetune'] + more['finetune'])
    # the continued arm's cost adds the base's
    assert more['flops'] > base['flops'] and \
        more['minutes'] > base['minutes']
    assert '| 3 |' in out and 'E1 = 3' in out


def test_arm_uses_the_curve_base_and_adds_its_cost(runs):
    tmp, (_, curve), (out, results) = runs
    assert 'training mae3_s0' not in out  # the curve's base is reused
    tec, base = results['arms'][TEC], curve['arms']['mae3_s0']
    assert tec['label'] == 'TEC (3 ep base + 1 ep)' and tec['epochs'] == 4
    with open(tmp / 'work' / TEC / 'done.json') as f:
        own = json.load(f)
    assert tec['minutes'] == pytest.approx(base['minutes'] + own['minutes'])
    # TEC's step (base forward + new model) counts more FLOPs than MAE's:
    # one TEC epoch on 128 images costs more than a third of 3 MAE epochs
    assert own['flops'] > base['flops'] / 3
    log = (tmp / 'work' / TEC / 'tools.log').read_text()
    assert 'model.target_generator.checkpoint=' + \
        str(tmp / 'work/mae3_s0/epoch_3.pth') in log
    assert 'TEC (3 + 1 ep) is above its MAE base (3 ep): ' in \
        (tmp / 'res/results.md').read_text()


def test_finished_arms_are_not_measured_again(runs):
    tmp, _, (_, results) = runs
    out, again = bench(tmp, '--stages', 'curve', 'arms', '--arms', TEC)
    assert '  training ' not in out and '  fine-tuning ' not in out
    assert again['arms'] == results['arms']


def test_gone_base_is_retrained_with_the_same_numbers(runs):
    tmp, _, (_, results) = runs
    shutil.rmtree(tmp / 'work')
    stored = dict(results)
    stored['arms'] = {k: v for k, v in results['arms'].items() if k != TEC}
    with open(tmp / 'res/results.json', 'w') as f:
        json.dump(stored, f)
    out, again = bench(tmp, '--stages', 'arms', '--arms', TEC)
    assert 'training mae3_s0' in out and 'fine-tuning mae3_s0' not in out
    old, new = results['arms'][TEC], again['arms'][TEC]
    for key in ('finetune', 'knn', 'linear', 'flops'):
        assert new[key] == pytest.approx(old[key], abs=1e-6), key


def test_chain_takes_each_generation_as_the_next_base(runs):
    tmp, _, _ = runs
    out, results = bench(tmp, '--stages', 'chain')
    arms = results['arms']
    gens = [TEC, f'tec_{TEC}+1', f'tec_tec_{TEC}+1+1']
    base = arms['mae3_s0']
    # the chain's 3 generations add 3 TEC epochs to the base's FLOPs; MAE
    # gets whole epochs of at least that much
    tec_epoch = (arms[TEC]['flops'] - base['flops'])
    assert arms[gens[2]]['flops'] == pytest.approx(
        base['flops'] + 3 * tec_epoch)
    more = -(-3 * tec_epoch // (base['flops'] / 3))
    assert results['chain'] == ['mae3_s0', *gens, f'mae3+{more:.0f}_s0']
    assert arms[gens[2]]['epochs'] == 6
    assert arms[gens[2]]['label'] == \
        'TEC generation 3 (3 ep MAE, then 3 x 1 ep TEC)'
    log = (tmp / 'work' / gens[2] / 'tools.log').read_text()
    assert 'model.target_generator.checkpoint=' + \
        str(tmp / 'work' / gens[1] / 'epoch_1.pth') in log
    text = (tmp / 'res/results.md').read_text()
    assert '## Sustainable chain (seed 0)' in text
    assert '| 3 | TEC generation 3 ' in text
    assert 'Generation 3 against MAE at ' in text


def test_save_keeps_what_another_run_recorded(tmp_path):
    arms = sustainability_arms
    args = argparse.Namespace(results=str(tmp_path))
    first, second = arms.Benchmark(args), arms.Benchmark(args)
    first.results['arms']['a'] = dict(knn=1.)
    first.save()
    second.results['arms']['b'] = dict(knn=2.)
    second.save()
    with open(tmp_path / 'results.json') as f:
        assert json.load(f)['arms'] == dict(a=dict(knn=1.), b=dict(knn=2.))


def test_verdict_needs_the_margin_in_the_mean_and_every_seed():
    report = sustainability_report
    assert report.claim('c', dict(mean=0.6, diffs=[0.9, 0.3])).startswith(
        '- c: **holds** (+0.60 fine-tuning top-1, per seed +0.90 / +0.30')
    assert '**does not hold**' in report.claim(
        'c', dict(mean=0.6, diffs=[1.3, -0.1]))
    assert '**does not hold**' in report.claim(
        'c', dict(mean=0.4, diffs=[0.4, 0.4]))
    arms = {f'a_s{s}': dict(finetune=[0., v]) for s, v in ((0, 80.), (1, 82.))}
    arms.update({f'b_s{s}': dict(finetune=[0., v])
                 for s, v in ((0, 79.), (1, 80.))})
    assert report.compare(arms, 'a_s{s}', 'b_s{s}') == dict(
        mean=1.5, diffs=[1., 2.])
    assert report.compare(arms, 'a_s{s}', 'c_s{s}') is None
    del arms['a_s1']
    assert report.verdict('c', arms, 'a_s{s}', 'b_s{s}') == (
        '- c: seed 1 not measured yet (seed 0: +1.00 fine-tuning top-1).')


def test_stronger_base_line_compares_tec_and_mae_from_the_2e1_base():
    report = sustainability_report
    arms = {'tec_mae3+3_s0+1': dict(finetune=[0., 80.25]),
            'mae6+1_s0': dict(finetune=[0., 81.]),
            'mae3+3_s0': dict(finetune=[0., 80.5])}
    lines = report.verdicts(dict(arms=arms, e1=3))
    assert lines[-1] == ('- From a stronger base (6 ep MAE), TEC 6 + 1 ep '
                         'against MAE 6 + 1 ep: -0.75 top-1 (seed 0).')
    del arms['mae6+1_s0']
    assert not any('stronger' in line for line in report.verdicts(
        dict(arms=arms, e1=3)))


def test_arms_from_a_continued_base_count_all_its_epochs():
    arms = sustainability_arms
    stronger = arms.mae_more(arms.mae(3, 0), 3)
    more, tec = arms.mae_more(stronger, 1), arms.tec(stronger, 1)
    assert (stronger.key, more.key, tec.key) == (
        'mae3+3_s0', 'mae6+1_s0', 'tec_mae3+3_s0+1')
    assert more.label == 'MAE 6 + 1 ep (continued)'
    assert tec.label == 'TEC (6 ep base + 1 ep)'
    assert arms.total_epochs(more) == 7


def test_model_config_merges_options_and_takes_none():
    config = f'{sustainability_arms.ROOT}/configs/sustainability/' \
        'mae_vit-mini-p4_fmnist-10k_wsd.py'
    assert sustainability_arms.model_config(
        config, []).train_dataloader.dataset.indices == 10000
    cfg = sustainability_arms.model_config(
        config, ['train_dataloader.dataset.indices=2500',
                 'model.backbone.init_cfg.checkpoint=gone.pth'])
    assert cfg.train_dataloader.dataset.indices == 2500
    assert 'checkpoint' not in (cfg.model.backbone.get('init_cfg') or {})
