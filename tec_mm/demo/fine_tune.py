"""End-to-end fine-tuning of a pretraining checkpoint through the project's
tools, and the top-1 it reached after each epoch."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from typing import List, Optional, Sequence

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def run_tool(tool: str, *args: str, log: Optional[str] = None) -> None:
    """Run ``tools/<tool>`` with this interpreter.

    Args:
        tool (str): Path under ``tools/``.
        *args (str): Its arguments.
        log (str, optional): File that takes the tool's output (appended);
            None leaves it on the terminal.

    Raises:
        subprocess.CalledProcessError: The tool failed; the message names
            the log.
    """
    cmd = [sys.executable, osp.join(ROOT, 'tools', tool), *args]
    if log is None:
        subprocess.run(cmd, check=True)
        return
    os.makedirs(osp.dirname(osp.abspath(log)), exist_ok=True)
    with open(log, 'a') as f:
        f.write('$ ' + ' '.join(cmd) + '\n')
        f.flush()
        done = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT)
    if done.returncode:
        raise subprocess.CalledProcessError(
            done.returncode, cmd, output=f'see {log}')


def validation_top1(work_dir: str) -> List[float]:
    """Top-1 (%) of every validation a runner logged in ``work_dir``.

    Reads MMEngine's ``<timestamp>/vis_data/scalars.json`` of the newest
    run there.

    Returns:
        List[float]: ``accuracy/top1`` in the order of the validations.
    """
    runs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                     'scalars.json')))
    if not runs:
        raise FileNotFoundError(f'no runner log (vis_data/scalars.json) in '
                                f'{work_dir}')
    with open(runs[-1]) as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [r['accuracy/top1'] for r in records if 'accuracy/top1' in r]


def fine_tune(config: str,
              checkpoint: Optional[str],
              work_dir: str,
              options: Sequence[str] = (),
              log: Optional[str] = None) -> List[float]:
    """Fine-tune a pretraining checkpoint's encoder end to end.

    The encoder is exported with ``tools/export_backbone.py --global-pool``
    and ``config`` is trained with ``tools/train.py`` from it.

    Args:
        config (str): A fine-tuning config whose backbone loads
            ``init_cfg.checkpoint``.
        checkpoint (str, optional): A TEC or MMPretrain MAE pretraining
            checkpoint; None fine-tunes the random initialisation.
        work_dir (str): Folder of the export and of the run (emptied
            first is up to the caller).
        options (Sequence[str]): Further ``--cfg-options`` of the run.
        log (str, optional): File that takes both tools' output.

    Returns:
        List[float]: Top-1 (%) after each validation of the run.
    """
    if checkpoint is None:
        init = ['model.backbone.init_cfg=None']
    else:
        backbone = osp.join(work_dir, 'backbone_gp.pth')
        run_tool('export_backbone.py', checkpoint, backbone, '--global-pool',
                 log=log)
        init = [f'model.backbone.init_cfg.checkpoint={backbone}']
    run_tool('train.py', config, '--work-dir', work_dir, '--cfg-options',
             *init, *options, log=log)
    return validation_top1(work_dir)
