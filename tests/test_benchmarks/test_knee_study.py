"""The knee study's rules by hand: the candidates and their partners, the
decay branch's length, the knee found only where kNN and fine-tuning both
stop gaining, the fine-tuning length where the ranking stops changing, the
base of the later stages (the knee or ``--knee-base``), and a stable run's
pid file."""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
from runner_utils import started
from tec_bench import knee_stages, knee_study, runs
from tec_bench.knee_study import (KNEE_MODELS, Point, candidates,
                                  decay_epochs, knee_configs, partner)


def mini_args(tmp_path):
    """The mini ViT's study on 2.5k images, its json in ``tmp_path``."""
    return argparse.Namespace(results=str(tmp_path), knee_model='vit-mini-p4',
                              knee_images=2500, cfg_options=[])


def test_candidates_partners_and_decay_by_hand():
    assert candidates(12, 100) == [12, 18, 24, 36, 48, 72, 96]
    assert [partner(e) for e in (12, 18, 96)] == [16, 24, 128]
    decays = [decay_epochs(e) for e in (4, 12, 16, 96, 128)]
    assert decays == [1, 1, 2, 10, 13]
    point = Point(96, 1, 'wsd.py')
    assert (point.key, point.stable_epochs, point.family) == (
        'mae96wsd_s1', 86, 'mae_wsd_s1')


@pytest.mark.parametrize('model', KNEE_MODELS)
def test_every_knee_model_has_its_four_configs(model):
    configs = knee_configs(model)
    assert [os.path.basename(c) for c in configs] == [
        f'mae_{model}_fmnist-10k_wsd.py', f'tec_{model}_fmnist-10k.py',
        f'{model}_fmnist-50k_finetune-val.py',
        f'{model}_fmnist-60k_finetune.py']
    assert all(os.path.exists(c) for c in configs)


def test_an_unknown_knee_model_is_refused():
    with pytest.raises(ValueError, match="'vit-huge-p4'"):
        knee_configs('vit-huge-p4')


@pytest.mark.parametrize('on_disk', [{}, {'model': 'vit-mini-p4'}])
def test_results_of_another_knee_model_are_refused(tmp_path, on_disk):
    (tmp_path / 'results.json').write_text(json.dumps(on_disk))
    args = argparse.Namespace(results=str(tmp_path), knee_model='vit-tiny-p4')
    if on_disk:  # a json without 'model' is the default encoder's
        with pytest.raises(SystemExit, match='^error: .* holds the knee '
                           'study of vit-mini-p4, not of --knee-model '
                           'vit-tiny-p4$'):
            knee_study.KneeBenchmark(args)
    else:
        assert knee_study.KneeBenchmark(args).results['model'] == \
            'vit-tiny-p4'
    assert json.loads((tmp_path / 'results.json').read_text()) == on_disk


def test_results_on_other_images_are_refused(tmp_path):
    (tmp_path / 'results.json').write_text(json.dumps({'images': 2500}))
    args = argparse.Namespace(results=str(tmp_path), knee_model='vit-tiny-p4')
    with pytest.raises(SystemExit, match='^error: .* holds the knee study '
                       'on 2500 pretraining images, not on --knee-images '
                       '10000$'):
        knee_study.KneeBenchmark(args)


def test_fewer_images_keep_the_warm_up_in_iterations(tmp_path):
    args = mini_args(tmp_path)
    bench = knee_study.KneeBenchmark(args)
    point = bench.point(48, 0)
    assert bench.args.cfg_options == ['train_dataloader.dataset.indices=2500']
    assert tuple(point.options) == ('param_scheduler.0.warmup=12', )
    tec = bench.tec_arm(point, 16)  # 12 warm-up epochs, but at most 16/4
    assert tuple(tec.options[:2]) == ('train_cfg.max_epochs=16',
                                      'param_scheduler.0.end=4.0')
    assert bench.tec_arm(point, 96).options[1] == 'param_scheduler.0.end=12.0'
    assert bench.results['images'] == 2500


def test_the_short_warm_up_is_a_third_of_the_arms(tmp_path):
    args = mini_args(tmp_path)
    bench = knee_study.KneeBenchmark(args)
    bench.results['sweep'] = {
        f'tau={t}': dict(key=f'tec_tau-{t}_mae24wsd_s0+8', knn=k)
        for t, k in ((1.0, 70.), (0.5, 72.), (0.2, 71.))}
    # taus measured from another base do not choose the changes
    assert list(knee_stages.sweep_arms(bench, 48)) == [
        'tau=1.0', 'tau=0.5', 'tau=0.2']
    # E1 = 24: TEC for 8 epochs warms up for min(12, 8 / 4) = 2 epochs
    short = knee_stages.sweep_arms(bench, 24)['tau=0.5, short warm-up']
    assert short[0] == 'model.head.attention_loss.tau=0.5'
    assert f'param_scheduler.0.end={2 / 3}' in short
    assert f'param_scheduler.1.T_max={8 - 2 / 3}' in short


@pytest.mark.parametrize('warmup,first', [(3, 6), (12, 18), (1, 3)])
def test_first_candidate_after_the_warm_up_by_hand(warmup, first):
    # 6 decays from 5, 18 from 16 (12 from 11 is before 12), 3 from 2
    assert knee_stages.first_candidate(warmup) == first


def test_a_warm_up_past_the_first_decay_is_refused(tmp_path):
    args = argparse.Namespace(
        results=str(tmp_path), knee_model='vit-mini-p4', knee_images=2500,
        cfg_options=[], stages=['knee'], knee_epochs=[12, 48])
    with pytest.raises(SystemExit, match=r'^error: the warm-up of 12 epochs '
                       r'on --knee-images 2500 ends after the decay of the '
                       r'first candidate, 12 epochs, begins: give '
                       r'--knee-epochs from at least 18$'):
        knee_stages.run_knee(args)
    assert not (tmp_path / 'results.json').exists()


@pytest.mark.parametrize('images', ['0', '50001', '-5'])
def test_knee_images_outside_the_training_split_are_refused(images):
    res = subprocess.run(
        [sys.executable, f'{knee_study.ROOT}/tools/benchmarks/'
         'sustainability.py', '--stages', 'knee', '--knee-images', images],
        capture_output=True, text=True,
        env=dict(os.environ, PYTHONPATH=f'{knee_study.ROOT}/tools/benchmarks'
                 f':{knee_study.ROOT}'))
    assert res.returncode == 2
    assert res.stderr.splitlines()[-1].endswith(
        f"argument --knee-images: {images}: the first 1-50000 training images "
        '(50000-59999 are the validation split)')


def test_a_new_study_of_any_model_starts(tmp_path):
    args = argparse.Namespace(results=str(tmp_path), knee_model='vit-mini-p4')
    assert knee_study.KneeBenchmark(args).results['model'] == 'vit-mini-p4'


class FakeBench:
    """Curve points from a table: epochs -> (kNN, fine-tuning top-1)."""

    def __init__(self, table):
        self.table, self.finetuned, self.results = table, [], {}
        self.curve_finetune = 2

    def curve_point(self, arm, finetune=False):
        knn, top = self.table[arm.epochs]
        if finetune:
            self.finetuned.append(arm.epochs)
        return dict(knn=knn, finetune=[top])

    def point(self, epochs, seed):
        return Point(epochs, seed, 'wsd.py')

    def save(self):
        pass


def test_the_knee_needs_both_gains_below_half_a_point():
    bench = FakeBench({
        12: (70, 70), 16: (71, 71),      # kNN +1: go on
        18: (72, 72), 24: (72.3, 73),    # kNN +0.3, fine-tuning +1: go on
        32: (72.5, 73.5),                # 24 -> 32: fine-tuning +0.5: on
        36: (73, 74), 48: (73.2, 74.4),  # both +0.2 and +0.4: the knee
        72: (73, 74), 96: (73, 74)})
    assert knee_study.find_knee(bench, 12, 96) == 36
    assert bench.results['e1'] == 36
    # fine-tuned: 12 for the plot (3 * 4), and the pairs 18/24, 24/32 and
    # 36/48 where kNN met the rule
    assert sorted(set(bench.finetuned)) == [12, 18, 24, 32, 36, 48]


def test_no_knee_is_none():
    bench = FakeBench({12: (70, 70), 16: (71, 72)})
    assert knee_study.find_knee(bench, 12, 12) is None
    assert bench.results['e1'] is None


def test_the_fine_tuning_length_is_where_the_ranking_settles(
        tmp_path, monkeypatch):
    tops = {2: [80, 81, 79], 3: [82, 81, 83], 4: [83, 82, 84],
            5: [84, 83, 85]}
    arms = [argparse.Namespace(key=key, index=i)
            for i, key in enumerate(('base', 'mae', 'tec'))]
    done = []

    class Bench:
        args = argparse.Namespace(work_dir=str(tmp_path))
        results = {}

        def validation_finetune(self, arm, epochs):
            done.append(f'{arm.key}_{epochs}ep')
            return [tops[epochs][arm.index]]

        def save(self):
            pass

    monkeypatch.setattr(knee_stages, 'recipe_arms', lambda b, e1: arms)
    # 2 -> 3 reorders, 3 -> 4 does not: 3 epochs
    assert knee_stages.stage_recipe(Bench(), 12, 5) == 3
    assert done == [f'{arm}_{epochs}ep' for epochs in (2, 3, 4)
                    for arm in ('base', 'mae', 'tec')]
    assert not list((tmp_path / 'recipe_claims').iterdir())
    assert knee_stages.ranking([80, 81, 79]) == (1, 0, 2)


def test_a_pid_file_counts_only_while_it_names_a_training_process(tmp_path):
    pid_file = tmp_path / 'stable.pid'
    sleeper = started('sleep', '30')
    trainer = started(sys.executable, '-c', 'import time; time.sleep(30)',
                      'train.py')
    try:
        for pid, alive in ((os.getpid(), False), (sleeper.pid, False),
                           (trainer.pid, True), (2**22 + 1, False)):
            pid_file.write_text(str(pid))
            assert runs.training_alive(str(pid_file)) is alive, pid
    finally:
        sleeper.kill()
        trainer.kill()
    assert runs.training_alive(str(tmp_path / 'missing.pid')) is False


def test_a_stable_run_another_driver_holds_is_waited_for(
        tmp_path, monkeypatch):
    args = argparse.Namespace(**vars(mini_args(tmp_path)),
                              work_dir=str(tmp_path / 'work'))
    bench = knee_study.KneeBenchmark(args)
    family = tmp_path / 'work' / 'mae_wsd_s0'
    family.mkdir(parents=True)
    driver = started(sys.executable, '-c', 'import time; time.sleep(60)',
                     'sustainability.py')
    (family / 'stable.pid').write_text(str(driver.pid))
    waits, trained = [], []

    def sleep(seconds):  # the other driver ends before the 22-epoch one
        waits.append(seconds)
        driver.kill()
        driver.wait()

    def train(config, work_dir, options, label):
        trained.append(((family / 'stable.pid').read_text().split()[0],
                        options[-1]))
        os.makedirs(work_dir)
        open(osp.join(work_dir, 'epoch_22.pth'), 'w').close()

    monkeypatch.setattr(knee_study.time, 'sleep', sleep)
    monkeypatch.setattr(knee_study, 'train_resumable', train)
    path = str(family / 'stable' / 'epoch_22.pth')
    assert bench.stable(bench.point(24, 0)) == path
    assert bench.stable(bench.point(24, 0)) == path  # there: no training
    assert waits == [runs.WAIT_SECONDS]
    assert trained == [(str(os.getpid()), 'train_cfg.max_epochs=22')]
    assert not (family / 'stable.pid').exists()


def test_a_stable_run_without_the_points_checkpoint_is_refused(
        tmp_path, monkeypatch):
    args = argparse.Namespace(**vars(mini_args(tmp_path)),
                              work_dir=str(tmp_path / 'work'))
    bench = knee_study.KneeBenchmark(args)
    stable = tmp_path / 'work' / 'mae_wsd_s0' / 'stable'
    trained = []

    def train(config, work_dir, options, label):
        # a run that went on to 30 epochs keeping its last checkpoint only
        assert not trained, 'trained again, in a loop'
        trained.append(options[-1])
        os.makedirs(work_dir, exist_ok=True)
        open(osp.join(work_dir, 'epoch_30.pth'), 'w').close()

    monkeypatch.setattr(knee_study, 'train_resumable', train)
    with pytest.raises(SystemExit, match=f'error: {stable} has no '
                       'epoch_22.pth, though its run went past it'):
        bench.stable(bench.point(24, 0))
    assert trained == ['train_cfg.max_epochs=22']  # once, not in a loop
    assert not (stable.parent / 'stable.pid').exists()  # given back


def test_a_failed_stable_run_gives_its_claim_back(tmp_path, monkeypatch):
    args = argparse.Namespace(**vars(mini_args(tmp_path)),
                              work_dir=str(tmp_path / 'work'))
    bench = knee_study.KneeBenchmark(args)
    pid_file = tmp_path / 'work' / 'mae_wsd_s0' / 'stable.pid'

    def fail(config, work_dir, options, label):
        assert pid_file.exists()
        raise subprocess.CalledProcessError(1, 'train.py')

    monkeypatch.setattr(knee_study, 'train_resumable', fail)
    with pytest.raises(subprocess.CalledProcessError):
        bench.stable(bench.point(24, 0))
    assert not pid_file.exists()


def test_recipe_and_arms_need_a_sweep_from_their_base(tmp_path):
    on_disk = dict(model='vit-mini-p4', images=10000, e1=6, base=6,
                   chosen='tau=0.5')
    (tmp_path / 'results.json').write_text(json.dumps(on_disk))
    for stages, base in ((['knee-recipe'], 8), (['knee-arms'], 8),
                         (['knee-recipe', 'knee-arms'], None)):
        if base is None:  # the knee's own sweep was stopped before choosing
            (tmp_path / 'results.json').write_text(json.dumps(
                dict(on_disk, e1=8, chosen=None)))
        args = argparse.Namespace(
            results=str(tmp_path), knee_model='vit-mini-p4', knee_images=10000,
            cfg_options=[], stages=stages, knee_epochs=[18, 48],
            knee_base=base)
        with pytest.raises(SystemExit, match='^error: no TEC setting is '
                           'chosen from the base at 8 epochs: run stage '
                           'knee-sweep from it first$'):
            knee_stages.run_knee(args)
    assert json.loads((tmp_path / 'results.json').read_text())['base'] == 6
    (tmp_path / 'results.json').write_text(json.dumps(on_disk))
    args.stages, args.knee_base = ['knee-arms'], None
    with pytest.raises(SystemExit, match='^error: no fine-tuning length is '
                       'chosen from the base at 6 epochs: run stage '
                       'knee-recipe from it first$'):
        knee_stages.run_knee(args)


def test_a_new_base_keeps_what_the_earlier_one_measured(tmp_path):
    args = mini_args(tmp_path)
    from_576 = dict(sweep={'tau=0.2': dict(key='tec_tau-0.2_mae576wsd_s0+192',
                                           knn=82.34)},
                    chosen='tau=0.2', entropy={'tau=0.2, K=4': 0.22},
                    entropy_base='mae576wsd_s0', finetune_epochs=3,
                    finetune_settled=True)
    (tmp_path / 'results.json').write_text(json.dumps(dict(
        model='vit-mini-p4', images=2500, e1=1536, base=576, curve={},
        **from_576)))
    # the curve's driver read the json before the sweep's took a new base
    curve, sweep = (knee_study.KneeBenchmark(args) for _ in range(2))
    knee_stages.set_base(sweep.results, 1536)
    sweep.save()
    curve.results['curve']['mae3072wsd_s0'] = dict(knn=87.)
    curve.save()
    knee_stages.set_base(sweep.results, 1536)  # the same base: nothing moves
    sweep.save()
    on_disk = json.loads((tmp_path / 'results.json').read_text())
    assert on_disk['earlier'] == {'576': from_576}
    assert (on_disk['base'], on_disk['chosen'], on_disk['sweep']) == (
        1536, None, {})
    assert 'finetune_epochs' not in on_disk and 'entropy' not in on_disk
    assert on_disk['curve'] == {'mae3072wsd_s0': dict(knn=87.)}
    # back to 576: its measurements come back, 1536's (none yet) move
    knee_stages.set_base(sweep.results, 576)
    sweep.save()
    on_disk = json.loads((tmp_path / 'results.json').read_text())
    assert {k: on_disk[k] for k in from_576} == from_576
    assert on_disk['earlier'] == {'1536': dict(sweep={}, chosen=None)}


def test_a_driver_whose_base_another_took_stops_and_keeps_its_work(
        tmp_path):
    args = mini_args(tmp_path)
    (tmp_path / 'results.json').write_text(json.dumps(dict(
        model='vit-mini-p4', images=2500, e1=1536, base=576,
        chosen='tau=0.2', sweep={}, finetune_val={})))
    recipe, sweep = (knee_study.KneeBenchmark(args) for _ in range(2))
    recipe.measuring_from, sweep.measuring_from = 576, 1536
    knee_stages.set_base(sweep.results, 1536)
    sweep.save()  # the process that takes the base goes on
    tec = 'tec_tau-0.2_mae576wsd_s0+192'
    recipe.results['finetune_val'][tec] = {'3': [83., 84.]}
    recipe.results.update(finetune_epochs=3, finetune_settled=True)
    with pytest.raises(SystemExit, match='^error: another process took the '
                       'base at 1536 epochs while this one measured from '
                       '576: what this one measured from it is kept under '
                       'earlier in '):
        recipe.save()
    on_disk = json.loads((tmp_path / 'results.json').read_text())
    assert (on_disk['base'], on_disk['chosen']) == (1536, None)
    assert 'finetune_epochs' not in on_disk
    assert on_disk['earlier'] == {'576': dict(
        chosen='tau=0.2', sweep={}, finetune_epochs=3, finetune_settled=True)}
    assert on_disk['finetune_val'] == {tec: {'3': [83., 84.]}}


def test_taus_only_tries_no_change_from_the_best(tmp_path, monkeypatch):
    args = mini_args(tmp_path)
    bench = knee_study.KneeBenchmark(args)
    bench.results['sweep'] = {
        f'tau={t}': dict(key=f'tec_tau-{t}_mae24wsd_s0+8', knn=k)
        for t, k in ((1.0, 70.), (0.5, 72.), (0.2, 71.))}
    taus = ['tau=1.0', 'tau=0.5', 'tau=0.2']
    assert list(knee_stages.sweep_arms(bench, 24, changes=False)) == taus
    assert list(knee_stages.sweep_arms(bench, 24)) == taus + [
        'tau=0.5, K=8', 'tau=0.5, lr x2', 'tau=0.5, short warm-up']
    swept = []
    monkeypatch.setattr(knee_stages, 'stage_sweep',
                        lambda bench, base, changes: swept.append(changes))
    (tmp_path / 'results.json').write_text(json.dumps(dict(
        model='vit-mini-p4', images=2500, e1=24)))
    for taus_only in (True, False):
        knee_stages.run_knee(argparse.Namespace(
            **vars(args), stages=['knee-sweep'], knee_epochs=[18, 48],
            taus_only=taus_only))
    assert swept == [False, True]


def test_two_processes_keep_each_others_stage_minutes(tmp_path):
    args = mini_args(tmp_path)
    (tmp_path / 'results.json').write_text(json.dumps(dict(
        model='vit-mini-p4', images=2500, stage_minutes={'knee-plan': 3.})))
    curve, sweep = (knee_study.KneeBenchmark(args) for _ in range(2))
    curve.results['stage_minutes']['knee'] = 40.
    curve.save()
    sweep.results['stage_minutes']['knee-sweep'] = 30.
    sweep.save()
    curve.results['stage_minutes']['knee'] = 50.
    curve.save()
    # both timed the sweep: 5 and 2 more minutes add up
    sweep.results['stage_minutes']['knee-sweep'] = 35.
    sweep.save()
    curve.results['stage_minutes']['knee-sweep'] = 32.
    curve.save()
    assert json.loads((tmp_path / 'results.json').read_text())[
        'stage_minutes'] == {'knee-plan': 3., 'knee': 50., 'knee-sweep': 37.}


@pytest.mark.parametrize('base', [12, 0])
def test_a_knee_base_inside_the_warm_up_is_refused(tmp_path, base):
    args = argparse.Namespace(
        results=str(tmp_path), knee_model='vit-mini-p4', knee_images=2500,
        cfg_options=[], stages=['knee-sweep'], knee_epochs=[18, 48],
        knee_base=base)
    # 12 epochs decay from 11, within the 12-epoch warm-up; 18 from 16
    with pytest.raises(SystemExit, match=f'^error: --knee-base {base}: the '
                       'point decays before the warm-up of 12 epochs on '
                       '--knee-images 2500 ends; give at least 18$'):
        knee_stages.run_knee(args)
    assert not (tmp_path / 'results.json').exists()


def test_two_sweep_drivers_share_the_settings(tmp_path, monkeypatch):
    args = argparse.Namespace(**vars(mini_args(tmp_path)), work_dir=str(
        tmp_path / 'work'), fresh=False, eval_images=0)
    (tmp_path / 'results.json').write_text(json.dumps(dict(
        model='vit-mini-p4', images=2500, base=24, sweep={}, chosen=None,
        entropy={}, entropy_base='mae24wsd_s0')))
    first, second = (knee_study.KneeBenchmark(args) for _ in range(2))
    # the first driver holds tau=1.0 and tau=0.2
    claims = tmp_path / 'work' / 'sweep_claims'
    claims.mkdir(parents=True)
    driver = started(sys.executable, '-c', 'import time; time.sleep(60)',
                     'sustainability.py')
    for tau in (1.0, 0.2):
        (claims / f'tec_tau-{tau}_mae24wsd_s0+8.pid').write_text(
            str(driver.pid))

    def ends(tau, knn):  # the first driver records a setting, gives it back
        first.results['sweep'][f'tau={tau}'] = dict(
            key=f'tec_tau-{tau}_mae24wsd_s0+8', knn=knn)
        first.save()
        (claims / f'tec_tau-{tau}_mae24wsd_s0+8.pid').unlink()

    measured, waits = [], []

    def validation_knn(arm):
        measured.append(arm.key)
        ends(1.0, 70.)
        return 72.

    def sleep(seconds):
        waits.append(seconds)
        ends(0.2, 71.)

    monkeypatch.setattr(second, 'validation_knn', validation_knn)
    monkeypatch.setattr(knee_stages.time, 'sleep', sleep)
    try:
        assert knee_stages.stage_sweep(second, 24, changes=False) == \
            'tau=0.5'
    finally:
        driver.kill()
    # tau=0.5 only, then one wait for tau=0.2, which the first driver held
    assert measured == ['tec_tau-0.5_mae24wsd_s0+8']
    assert waits == [runs.WAIT_SECONDS]
    on_disk = json.loads((tmp_path / 'results.json').read_text())
    assert {n: r['knn'] for n, r in on_disk['sweep'].items()} == {
        'tau=1.0': 70., 'tau=0.5': 72., 'tau=0.2': 71.}
    assert not list(claims.iterdir())  # each one given back


def arms_study(tmp_path):
    """The args of a study from the 24-epoch base whose sweep chose
    tau = 0.5 and whose recipe chose 3 epochs."""
    sweep = {f'tau={tau}': dict(key=f'tec_tau-{tau}_mae24wsd_s0+8', knn=70.)
             for tau in (1.0, 0.5, 0.2)}
    (tmp_path / 'results.json').write_text(json.dumps(dict(
        model='vit-mini-p4', images=2500, base=24, sweep=sweep,
        chosen='tau=0.5', finetune_epochs=3, arms={})))
    return argparse.Namespace(**vars(mini_args(tmp_path)), work_dir=str(
        tmp_path / 'work'), fresh=False, eval_images=0)


def test_only_the_arms_named_are_measured(tmp_path, monkeypatch):
    bench = knee_study.KneeBenchmark(arms_study(tmp_path))
    measured = []
    monkeypatch.setattr(bench, 'measure', lambda arm, key, label, options:
                        measured.append(key))
    knee_stages.stage_arms(bench, 24, [2], [
        'mae24wsd_s1', 'tec_tau-0.5_mae24wsd_s0+24'])
    assert measured == ['tec_tau-0.5_mae24wsd_s0+24', 'mae24wsd_s1']


def test_two_arms_drivers_share_the_arms(tmp_path, monkeypatch):
    args = arms_study(tmp_path)
    first, second = (knee_study.KneeBenchmark(args) for _ in range(2))
    # the first driver holds MAE continued to 2 x E1
    longer = 'mae48wsd_s0'
    claims = tmp_path / 'work' / 'arms_claims'
    claims.mkdir(parents=True)
    driver = started(sys.executable, '-c', 'import time; time.sleep(60)',
                     'sustainability.py')
    (claims / f'{longer}.pid').write_text(str(driver.pid))
    measured, waits = [], []

    def measure(arm, key, label, options):
        assert (arm.key, options) == (key, knee_study.recipe(3))
        if key not in second.results['arms']:
            measured.append(key)
            second.results['arms'][key] = dict(label=label)
            second.save()
        return second.results['arms'][key]

    def sleep(seconds):  # the first driver measures its arm, gives it back
        waits.append(seconds)
        first.results['arms'][longer] = dict(label='MAE, first driver')
        first.save()
        (claims / f'{longer}.pid').unlink()

    monkeypatch.setattr(second, 'measure', measure)
    monkeypatch.setattr(knee_stages.time, 'sleep', sleep)
    try:
        knee_stages.stage_arms(second, 24, [2], [])
    finally:
        driver.kill()
    mine = ['mae24wsd_s0', 'mae32wsd_s0', 'tec_tau-0.5_mae24wsd_s0+8',
            'tec_tau-0.5_mae24wsd_s0+24', 'mae24wsd_s1', 'mae32wsd_s1',
            'tec_tau-0.5_mae24wsd_s1+8']
    assert measured == mine
    assert waits == [runs.WAIT_SECONDS]
    on_disk = json.loads((tmp_path / 'results.json').read_text())
    assert sorted(on_disk['arms']) == sorted([*mine, longer])
    assert on_disk['arms'][longer] == dict(label='MAE, first driver')
    assert not list(claims.iterdir())
