"""Running the project's tools from the demo and the benchmarks: quietly,
with a progress bar, MMEngine's output in a log file, and reading back what
a run wrote."""
import ctypes
import glob
import json
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time
from typing import Dict, List, Optional, Tuple

from tec_mm.engine import is_complete_checkpoint
from tec_mm.engine.refusal import Refusal

from .shared_results import locked

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
WAIT_SECONDS = 20  # between looks at a run another process is training
PR_SET_PDEATHSIG = 1  # prctl(2): a signal for the child when its parent dies
# MMEngine's train log line: "... eta: 0:02:42 ..." ("1 day, 2:03:04" too)
_ETA = re.compile(r'(?:Epoch|Iter)\(train\).*?eta: (?:(\d+) days?, )?'
                  r'(\d+):(\d\d):(\d\d)')


def _seconds(match: re.Match) -> int:
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _bar(label: str, fraction: float, eta: Optional[int]) -> str:
    filled = int(20 * fraction)
    left = '' if eta is None else \
        f'  ETA {eta // 3600}:{eta // 60 % 60:02d}:{eta % 60:02d}'
    return (f'\r  {label:<28} [{"#" * filled}{"." * (20 - filled)}] '
            f'{100 * fraction:3.0f}%{left}')


def _die_with_parent() -> None:
    """In a tool's process before it starts: be ended (SIGTERM) when the
    process that started it dies, so that a run never goes on training
    after its starter, who holds the run (:func:`claim`), is gone."""
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def run_tool(tool: str, *args: str, log: str,
             label: Optional[str] = None) -> None:
    """Run ``tools/<tool>`` with this interpreter, its output in ``log``.

    Args:
        tool (str): Path under ``tools/``.
        *args (str): Its arguments.
        log (str): File that takes the tool's output (appended).
        label (str, optional): Show a progress bar with this label, fed by
            the ETA of MMEngine's training log lines.

    The tool's process is ended when this one dies (Linux).

    Raises:
        Refusal: The tool refused its input (exit code 2); the message is
            its ``error:`` line.
        subprocess.CalledProcessError: The tool failed otherwise; the
            message names the log.
    """
    cmd = [sys.executable, osp.join(ROOT, 'tools', tool), *args]
    os.makedirs(osp.dirname(osp.abspath(log)), exist_ok=True)
    start, shown, error = time.time(), -1, None
    with open(log, 'a') as f:
        f.write('$ ' + ' '.join(cmd) + '\n')
        f.flush()
        child = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            preexec_fn=_die_with_parent if sys.platform == 'linux' else None)
        for line in child.stdout:
            f.write(line)
            if line.startswith('error: '):
                error = line[len('error: '):].strip()
            match = _ETA.search(line) if label else None
            if match:
                elapsed, eta = time.time() - start, _seconds(match)
                percent = int(100 * elapsed / (elapsed + eta + 1e-9))
                if percent != shown:
                    print(_bar(label, percent / 100, eta), end='',
                          flush=True)
                    shown = percent
        returncode = child.wait()
    if label:
        print(_bar(label, 1., None) + f'  {time.time() - start:.0f} s',
              flush=True)
    if returncode == 2 and error:
        raise Refusal(error)
    if returncode:
        raise subprocess.CalledProcessError(returncode, cmd,
                                            output=f'see {log}')


def resume_point(work_dir: str) -> Optional[str]:
    """The newest complete ``epoch_*``/``iter_*`` checkpoint of a run (an
    exported backbone beside it is not one)."""
    found = sorted(glob.glob(osp.join(work_dir, 'epoch_*.pth')) +
                   glob.glob(osp.join(work_dir, 'iter_*.pth')),
                   key=osp.getmtime, reverse=True)
    return next((p for p in found if is_complete_checkpoint(p)), None)


def train_resumable(config: str, work_dir: str, options: List[str],
                    start_from: Optional[str] = None,
                    label: Optional[str] = None) -> float:
    """``tools/train.py`` in ``work_dir``, resumed from its newest complete
    checkpoint when it has one (a run killed before is taken up where its
    last checkpoint left it), else from ``start_from`` (``--resume``: its
    weights, optimizer, schedule position and epoch), else from scratch.

    The wall-clock of each invocation is kept in ``work_dir/wall_clock.json``;
    one that was killed counts up to its last checkpoint, one that trained
    nothing (the run had already ended: another process finished it while
    this one waited) does not count. A run that another
    study process is training (it holds ``work_dir/run.pid``, :func:`claim`)
    is waited for, then taken up where it stopped: two processes never train
    one work dir at once.

    Args:
        config (str): The training config.
        work_dir (str): The run's work dir.
        options (List[str]): Its ``--cfg-options``.
        start_from (str, optional): Checkpoint to resume a new run from.
        label (str, optional): Progress-bar label.

    Returns:
        float: Minutes of training behind the run's last checkpoint.
    """
    pid_file = osp.join(work_dir, 'run.pid')
    while not claim(pid_file):
        time.sleep(WAIT_SECONDS)
    try:
        return _train(config, work_dir, options, start_from, label)
    finally:
        release(pid_file)


def _train(config: str, work_dir: str, options: List[str],
           start_from: Optional[str], label: Optional[str]) -> float:
    """:func:`train_resumable` once this process holds the run."""
    ledger = osp.join(work_dir, 'wall_clock.json')
    spans: List[List[Optional[float]]] = []
    if osp.exists(ledger):
        with open(ledger) as f:
            spans = json.load(f)
    resume = resume_point(work_dir)
    if resume is None:  # a new run: nothing before counts
        spans = []
    elif spans and spans[-1][1] is None:  # killed: up to its checkpoint
        spans[-1][1] = max(osp.getmtime(resume), spans[-1][0])
    args = ['--resume'] if resume else \
        (['--resume', start_from] if start_from else [])

    def write() -> None:
        os.makedirs(work_dir, exist_ok=True)
        with open(ledger + '.tmp', 'w') as f:
            json.dump(spans, f)
        os.replace(ledger + '.tmp', ledger)

    spans.append([time.time(), None])
    write()
    before = resume and osp.getmtime(resume)
    run_tool('train.py', config, '--work-dir', work_dir, *args,
             '--cfg-options', *options, log=osp.join(work_dir, 'tools.log'),
             label=label)
    after = resume_point(work_dir)
    if resume and after == resume and osp.getmtime(after) == before:
        spans.pop()  # no new checkpoint: it trained nothing
    else:
        spans[-1][1] = time.time()
    write()
    return sum(end - start for start, end in spans) / 60


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint a runner wrote last in ``work_dir``."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def logged_metrics(work_dir: str, names: List[str]) -> Dict[str, List[float]]:
    """Every logged value of ``names`` in the runs in ``work_dir``.

    Reads MMEngine's ``<timestamp>/vis_data/scalars.json`` of each run in
    time order; a value logged again at the same step (a resumed run
    repeating it) replaces the earlier one.

    Returns:
        Dict[str, List[float]]: The values of each name, in logged order.

    Raises:
        FileNotFoundError: No run log, or a name never logged.
    """
    runs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                     'scalars.json')))
    if not runs:
        raise FileNotFoundError(f'no runner log (vis_data/scalars.json) in '
                                f'{work_dir}')
    by_step: Dict[str, Dict[int, float]] = {name: {} for name in names}
    for run in runs:
        with open(run) as f:
            for record in (json.loads(line) for line in f if line.strip()):
                for name in names:
                    if name in record:
                        by_step[name][record.get('step', 0)] = record[name]
    missing = [name for name, values in by_step.items() if not values]
    if missing:
        raise FileNotFoundError(f'{runs[-1]}: {missing} never logged')
    return {name: [values[step] for step in sorted(values)]
            for name, values in by_step.items()}


def fine_tune(config: str,
              checkpoint: Optional[str],
              work_dir: str,
              options: List[str] = (),
              label: Optional[str] = None,
              export_options: List[str] = ()) -> List[float]:
    """Fine-tune a pretraining checkpoint's encoder end to end.

    The encoder is exported with ``tools/export_backbone.py --global-pool``
    and ``config`` is trained with ``tools/train.py`` from it, resumed if an
    earlier call was killed (:func:`train_resumable`); both tools' output
    goes to ``work_dir/tools.log``.

    Args:
        config (str): A fine-tuning config whose backbone loads
            ``init_cfg.checkpoint`` and which validates top-1.
        checkpoint (str, optional): A TEC or MMPretrain MAE pretraining
            checkpoint; None fine-tunes the random initialisation.
        work_dir (str): Folder of the export and of the run.
        options (List[str]): Further ``--cfg-options`` of the run.
        label (str, optional): Progress-bar label.
        export_options (List[str]): Further arguments of the export (e.g.
            ``--dense``).

    Returns:
        List[float]: Top-1 (%) after each validation of the run.
    """
    log = osp.join(work_dir, 'tools.log')
    if checkpoint is None:
        init = ['model.backbone.init_cfg=None']
    else:
        backbone = osp.join(work_dir, 'backbone_gp.pth')
        run_tool('export_backbone.py', checkpoint, backbone, '--global-pool',
                 *export_options, log=log)
        init = [f'model.backbone.init_cfg.checkpoint={backbone}']
    train_resumable(config, work_dir, [*init, *options], label=label)
    return logged_metrics(work_dir, ['accuracy/top1'])['accuracy/top1']


def _started(pid: int) -> Optional[str]:
    """When process ``pid`` started (clock ticks after boot, from
    ``/proc/PID/stat``); None when no such process runs (an ended one not
    yet reaped, a zombie, does not)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return None if fields[0] == 'Z' else fields[19]
    except (OSError, IndexError):
        return None


def _holder(pid_file: str) -> Optional[Tuple[int, Optional[str]]]:
    """The pid in ``pid_file`` and its start (None where written by hand);
    None: no such file, or not a pid."""
    try:
        with open(pid_file) as f:
            held = f.read().split()
        return int(held[0]), (held[1] if len(held) > 1 else None)
    except (OSError, IndexError, ValueError):
        return None


def training_alive(pid_file: str) -> bool:
    """Whether the process named in ``pid_file`` still runs (and is not this
    one).

    A file written by :func:`claim` names the claiming process and when it
    started, so a later process given the same pid (after a reboot, or a
    work dir kept into a new session) does not count. A file written by
    hand (``echo $! > stable.pid``) names a pid only: it counts while that
    pid is a training or study process.
    """
    held = _holder(pid_file)
    if held is None or held[0] == os.getpid():
        return False
    pid, start = held
    if start is not None:
        return _started(pid) == start
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            command = f.read()
    except OSError:
        return False
    return b'train.py' in command or b'sustainability.py' in command


def claim(pid_file: str) -> bool:
    """Take ``pid_file`` for this process (its pid and start) unless another
    process holds it (:func:`training_alive`); processes decide one at a
    time, under a lock on its folder.

    Returns:
        bool: Whether this process holds it now.
    """
    folder = osp.dirname(pid_file)
    os.makedirs(folder, exist_ok=True)
    with locked(folder):
        if training_alive(pid_file):
            return False
        with open(pid_file, 'w') as f:
            f.write(f'{os.getpid()} {_started(os.getpid())}')
    return True


def release(pid_file: str) -> None:
    """Remove ``pid_file`` if it names this process (:func:`claim`)."""
    held = _holder(pid_file)
    if held is not None and held[0] == os.getpid():
        os.remove(pid_file)


def epoch_minutes(work_dir: str) -> float:
    """Median wall-clock of one epoch of a run that keeps every epoch's
    checkpoint (from their times)."""
    times = sorted(osp.getmtime(osp.join(work_dir, name))
                   for name in os.listdir(work_dir)
                   if name.startswith('epoch_') and name.endswith('.pth'))
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    return gaps[len(gaps) // 2] / 60 if gaps else 0.
