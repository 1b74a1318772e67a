"""Choosing the checkpoint an interrupted run resumes from."""
import glob
import os.path as osp
import zipfile
from typing import List, Optional


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a whole ``torch.save`` file.

    ``torch.save`` writes a zip archive whose central directory comes last,
    so a file cut short by a kill or a full disk is not a valid zip.
    """
    return osp.isfile(path) and zipfile.is_zipfile(path)


def find_resume_checkpoint(work_dir: str) -> Optional[str]:
    """The newest complete checkpoint of a work dir.

    MMEngine names the last checkpoint in ``work_dir/last_checkpoint``,
    written after the checkpoint itself; a kill can still leave that name
    pointing at nothing, at a cut-short file, or cut the name itself. The
    named file is taken when it is complete, otherwise the newest complete
    ``*.pth`` in ``work_dir``.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        str, optional: The checkpoint path; None when there is none.
    """
    named: List[str] = []
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named.append(f.read().strip())
    found = sorted(glob.glob(osp.join(work_dir, '*.pth')),
                   key=osp.getmtime, reverse=True)
    return next((p for p in named + found if is_complete_checkpoint(p)),
                None)
