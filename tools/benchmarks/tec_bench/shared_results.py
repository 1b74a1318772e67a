"""A results json that several processes of one study write (e.g. the
knee study's curve driver beside its sweep driver): each write keeps what
the others recorded since this process last read or wrote the file."""
import contextlib
import fcntl
import os
from typing import Any, Dict, Iterator


@contextlib.contextmanager
def locked(folder: str) -> Iterator[None]:
    """One process at a time inside: an exclusive lock on ``folder`` (the
    results' own folder, so no lock file lies beside them), released on
    exit."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def merge_changes(mine: Dict[str, Any], synced: Dict[str, Any],
                  on_disk: Dict[str, Any]) -> None:
    """Bring into ``mine``, in place, what another process wrote to the
    file since this process's copy was ``synced``.

    An entry this process left as it was in ``synced`` takes the file's
    value, or goes where the file no longer has it; an entry it changed or
    added keeps its own; an entry it removed stays removed; dicts are
    merged entry by entry, and stay the same objects (callers may hold
    them).

    Args:
        mine (dict): This process's results, updated in place.
        synced (dict): This process's results as last read or written.
        on_disk (dict): The file's results now.
    """
    for key, theirs in on_disk.items():
        if key not in mine:
            if key not in synced:  # another process's new entry
                mine[key] = theirs
        elif isinstance(mine[key], dict) and isinstance(theirs, dict):
            before = synced.get(key)
            merge_changes(mine[key], before if isinstance(before, dict)
                          else {}, theirs)
        elif key in synced and mine[key] == synced[key]:
            mine[key] = theirs
    for key in [k for k in mine if k not in on_disk]:
        if key in synced and mine[key] == synced[key]:
            del mine[key]  # another process removed it
