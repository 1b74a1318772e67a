"""Units of a stage that drivers started side by side on one work dir and
one results json share out: each unit is done by the driver that claims it
(:func:`~tec_bench.runs.claim`), and the others take up what it measured
from the json instead of doing it again."""
import os.path as osp
import time
from typing import Callable, Dict, TypeVar

from .runs import WAIT_SECONDS, claim, release

Result = TypeVar('Result')


def share_out(claims: str, save: Callable[[], None],
              units: Dict[str, Callable[[], Result]]) -> Dict[str, Result]:
    """Do each of ``units``, in order, that no other driver holds (its pid
    file ``claims/<name>.pid``); one that another driver holds is done once
    that driver gives it back, when what it measured is in the json and the
    unit only reads it; wait while the others hold every unit left.

    Args:
        claims (str): The folder of the units' pid files.
        save (callable): Writes the results json, taking up what the other
            drivers wrote since this one last read or wrote it; called
            before each unit.
        units (dict): A unit's name (a file name) -> its work, which
            measures only what the results do not hold yet and returns the
            unit's result.

    Returns:
        dict: Each unit's result, by name.
    """
    pending, results = list(units), {}
    while pending:
        name = next((n for n in pending
                     if claim(osp.join(claims, f'{n}.pid'))), None)
        if name is None:  # each one left is another driver's now
            time.sleep(WAIT_SECONDS)
            continue
        try:
            save()
            results[name] = units[name]()
        finally:
            release(osp.join(claims, f'{name}.pid'))
        pending.remove(name)
    return results
