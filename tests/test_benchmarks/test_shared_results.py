"""merge_changes by hand: a process's write keeps what another process
recorded in the file since this one last read or wrote it, entry by
entry."""
import copy
import fcntl
import os

import pytest
from tec_bench.shared_results import locked, merge_changes


def test_what_this_process_left_alone_takes_the_file_s_value():
    synced = dict(base=576, chosen='tau=0.2', curve=dict(a=dict(knn=1.)),
                  sweep=dict(t=1.), finetune_epochs=3)
    mine = copy.deepcopy(synced)
    mine['curve']['b'] = dict(knn=2.)  # measured here
    curve = mine['curve']
    # another process took a new base: moved the sweep, the length
    on_disk = dict(base=1536, chosen=None, earlier={'576': dict(t=1.)},
                   curve=dict(a=dict(knn=1.), c=dict(knn=3.)), sweep={})
    merge_changes(mine, synced, on_disk)
    assert mine == dict(base=1536, chosen=None, earlier={'576': dict(t=1.)},
                        curve=dict(a=dict(knn=1.), b=dict(knn=2.),
                                   c=dict(knn=3.)), sweep={})
    assert mine['curve'] is curve  # callers may hold it


def test_what_this_process_changed_or_removed_stays():
    synced = dict(base=576, sweep=dict(t=1.), finetune_epochs=3,
                  minutes=dict(knee=4.))
    mine = dict(base=1536, sweep={}, minutes=dict(knee=5.))
    on_disk = dict(base=576, sweep=dict(t=1., u=2.), finetune_epochs=3,
                   minutes=dict(knee=4., sweep=6.))
    merge_changes(mine, synced, on_disk)
    # u: another process's since; t and finetune_epochs: removed here
    assert mine == dict(base=1536, sweep=dict(u=2.),
                        minutes=dict(knee=5., sweep=6.))


def test_one_process_at_a_time_holds_the_results_folder(tmp_path):

    def try_lock():
        fd = os.open(tmp_path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)

    with locked(str(tmp_path)):
        with pytest.raises(BlockingIOError):
            try_lock()
    try_lock()  # free again
