import json
import os
import os.path as osp
import subprocess
import sys
import threading
import time

import pytest
import torch
from runner_utils import MAE, TINY, started
from tec_bench import last_checkpoint, logged_metrics, run_tool, runs
from tec_bench.runs import _ETA, _seconds, resume_point, train_resumable
from tec_bench.shared_results import locked

from tec_mm.datasets import DEBIAN_FASHION_MNIST
from tec_mm.engine import Refusal


def test_eta_read_from_mmengine_log_lines():
    line = ('11/25 21:06:24 - mmengine - INFO - Epoch(train) [1][ 40/118]  '
            'base_lr: 6.7e-04 lr: 6.7e-04  eta: 0:02:42  time: 0.7953')
    assert _seconds(_ETA.search(line)) == 162
    line = 'Iter(train) [ 100/400]  lr: 1e-4  eta: 1 day, 2:03:04  time: 1'
    assert _seconds(_ETA.search(line)) == 86400 + 7200 + 180 + 4
    assert _ETA.search('Epoch(val) [1][20/20]  eta: 0:00:01') is None


def test_logged_metrics_of_every_run_the_later_one_winning(tmp_path):
    # a run killed after epoch 2's validation, then resumed at epoch 2
    for stamp, values in (('20260101_000000', {1: 40., 2: 45.}),
                          ('20260102_000000', {2: 50., 3: 60.})):
        folder = tmp_path / stamp / 'vis_data'
        folder.mkdir(parents=True)
        (folder / 'scalars.json').write_text('\n'.join(
            json.dumps({'accuracy/top1': v, 'step': step})
            for step, v in values.items()) + '\n{"loss": 0.5, "step": 9}\n')
    assert logged_metrics(str(tmp_path), ['accuracy/top1']) == {
        'accuracy/top1': [40., 50., 60.]}
    with pytest.raises(FileNotFoundError, match="'mIoU'"):
        logged_metrics(str(tmp_path), ['mIoU'])
    (tmp_path / 'last_checkpoint').write_text('/a/epoch_2.pth\n')
    assert last_checkpoint(str(tmp_path)) == '/a/epoch_2.pth'


@pytest.mark.skipif(not osp.isdir(DEBIAN_FASHION_MNIST),
                    reason='dataset-fashion-mnist not installed')
def test_train_resumable_takes_a_run_up_where_it_stopped(tmp_path):
    work = str(tmp_path / 'run')
    train_resumable(MAE, work, [*TINY, 'train_cfg.max_epochs=1'])
    (tmp_path / 'run' / 'backbone_gp.pth').write_bytes(b'not a run')
    # a later call (e.g. after a kill) with a longer run resumes epoch 1
    # and leaves the exported file alone
    train_resumable(MAE, work, [*TINY, 'train_cfg.max_epochs=2'])
    log = (tmp_path / 'run' / 'tools.log').read_text()
    assert 'resumed epoch: 1' in log
    assert resume_point(work).endswith('epoch_2.pth')
    with open(osp.join(work, 'wall_clock.json')) as f:
        spans = json.load(f)
    assert len(spans) == 2 and all(end > start for start, end in spans)
    # a call killed before any checkpoint counts up to the last one
    spans.append([spans[-1][1] - 5, None])
    with open(osp.join(work, 'wall_clock.json'), 'w') as f:
        json.dump(spans, f)
    minutes = train_resumable(MAE, work, [*TINY, 'train_cfg.max_epochs=2'])
    with open(osp.join(work, 'wall_clock.json')) as f:
        closed = json.load(f)
    assert closed[2][1] == pytest.approx(
        max(osp.getmtime(osp.join(work, 'epoch_2.pth')), closed[2][0]))
    assert minutes == pytest.approx(
        sum(end - start for start, end in closed) / 60)


def test_a_refusing_tool_raises_its_error_line(tmp_path):
    log = tmp_path / 'tools.log'
    with pytest.raises(Refusal, match="^Base checkpoint not found: "
                       "'/missing.pth'"):
        run_tool('train.py', 'configs/demo/tec_vit-tiny-p4_fmnist.py',
                 '--work-dir', str(tmp_path / 'w'), '--cfg-options',
                 'model.target_generator.checkpoint=/missing.pth',
                 log=str(log))
    assert 'error: Base checkpoint not found' in log.read_text()


def test_a_run_another_process_trains_is_waited_for(tmp_path, monkeypatch):
    work = tmp_path / 'run'
    work.mkdir()
    done = tmp_path / 'done'
    other = started(sys.executable, '-c',
                    'import pathlib, sys, time; time.sleep(2); '
                    'pathlib.Path(sys.argv[1]).touch()', str(done), 'train.py')
    (work / 'run.pid').write_text(str(other.pid))
    calls = []
    monkeypatch.setattr(runs, 'WAIT_SECONDS', 0.1)
    monkeypatch.setattr(runs, 'run_tool', lambda *args, **kwargs: calls.append(
        (done.exists(), (work / 'run.pid').read_text().split()[0])))
    train_resumable(MAE, str(work), [])
    other.wait()
    # once the other process had done its work, holding the run meanwhile
    assert calls == [(True, str(os.getpid()))]
    assert not (work / 'run.pid').exists()  # given back when it ends


def test_a_claim_is_refused_while_another_process_holds_it(tmp_path):
    pid_file = tmp_path / 'claims' / 'run.pid'
    pid_file.parent.mkdir()
    driver = started(sys.executable, '-c', 'import time; time.sleep(60)',
                     'sustainability.py')
    try:
        pid_file.write_text(str(driver.pid))
        assert runs.claim(str(pid_file)) is False
        runs.release(str(pid_file))  # not this process's: kept
        assert pid_file.read_text() == str(driver.pid)
    finally:
        driver.kill()
        driver.wait()
    assert runs.claim(str(pid_file)) is True  # its holder is gone
    assert pid_file.read_text() == f'{os.getpid()} {runs._started(os.getpid())}'
    runs.release(str(pid_file))
    assert not pid_file.exists()


def test_a_claim_counts_while_its_own_process_runs(tmp_path):
    pid_file = tmp_path / 'run.pid'
    other = started('sleep', '60')  # not a training command line: any tool
    try:
        start = runs._started(other.pid)
        pid_file.write_text(f'{other.pid} {start}')
        assert runs.training_alive(str(pid_file)) is True
        assert runs.claim(str(pid_file)) is False
        # the same pid started at another time: a later process, not it
        pid_file.write_text(f'{other.pid} {int(start) - 1}')
        assert runs.training_alive(str(pid_file)) is False
    finally:
        other.kill()
        other.wait()
    pid_file.write_text(f'{other.pid} {start}')
    assert runs.training_alive(str(pid_file)) is False


def test_claims_are_decided_one_at_a_time(tmp_path):
    pid_file = tmp_path / 'claims' / 'run.pid'
    pid_file.parent.mkdir()
    result = []
    with locked(str(pid_file.parent)):
        claimer = threading.Thread(
            target=lambda: result.append(runs.claim(str(pid_file))))
        claimer.start()
        claimer.join(0.5)
        assert claimer.is_alive() and not pid_file.exists()
    claimer.join(10)
    assert result == [True] and pid_file.exists()


def test_a_failed_run_gives_its_claim_back(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        assert (tmp_path / 'run.pid').exists()
        raise Refusal('bad input')

    monkeypatch.setattr(runs, 'run_tool', fail)
    with pytest.raises(Refusal):
        train_resumable(MAE, str(tmp_path), [])
    assert not (tmp_path / 'run.pid').exists()


def test_a_call_that_trains_nothing_adds_no_minutes(tmp_path, monkeypatch):
    torch.save({}, tmp_path / 'epoch_3.pth')
    (tmp_path / 'wall_clock.json').write_text('[[100.0, 160.0]]')
    monkeypatch.setattr(runs, 'run_tool', lambda *args, **kwargs: None)
    # the run had ended (another process finished it): 1 minute, as before
    assert train_resumable(MAE, str(tmp_path), []) == pytest.approx(1.)
    assert json.loads((tmp_path / 'wall_clock.json').read_text()) == [
        [100.0, 160.0]]

    def train_one_epoch(*args, **kwargs):
        torch.save({}, tmp_path / 'epoch_4.pth')

    monkeypatch.setattr(runs, 'run_tool', train_one_epoch)
    minutes = train_resumable(MAE, str(tmp_path), [])
    spans = json.loads((tmp_path / 'wall_clock.json').read_text())
    assert len(spans) == 2 and spans[0] == [100.0, 160.0]
    assert minutes == pytest.approx(1. + (spans[1][1] - spans[1][0]) / 60)


def test_a_tool_ends_when_the_process_that_started_it_dies(tmp_path):
    pid_file = tmp_path / 'tool.pid'
    tool = tmp_path / 'sleeper.py'
    tool.write_text('import os, sys, time\n'
                    'open(sys.argv[1], "w").write(str(os.getpid()))\n'
                    'time.sleep(60)\n')
    starter = subprocess.Popen([
        sys.executable, '-c',
        'import sys; sys.path.insert(0, sys.argv[1]); '
        'from tec_bench.runs import run_tool; '
        'run_tool(sys.argv[2], sys.argv[3], log=sys.argv[4])',
        osp.dirname(osp.dirname(runs.__file__)), str(tool), str(pid_file),
        str(tmp_path / 'tools.log')])
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and starter.poll() is None
        time.sleep(0.05)
    tool_pid = int(pid_file.read_text())
    starter.kill()  # SIGKILL: no clean-up of its own runs
    starter.wait()
    while runs._started(tool_pid) is not None:
        assert time.monotonic() < deadline, 'the tool outlived its starter'
        time.sleep(0.05)
