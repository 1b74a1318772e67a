"""Units shared out between drivers: a unit another driver holds is left
to it and taken up from the results once given back; each claim is given
back, also when its unit fails."""
import os
import sys

import pytest
from runner_utils import started
from tec_bench import runs, shared_work


@pytest.fixture
def other_driver():
    """A process that looks like another driver of the study."""
    driver = started(sys.executable, '-c', 'import time; time.sleep(60)',
                     'sustainability.py')
    yield driver
    driver.kill()


def test_a_unit_another_driver_holds_is_taken_up_after_it(
        tmp_path, monkeypatch, other_driver):
    claims = tmp_path / 'claims'
    claims.mkdir()
    (claims / 'b.pid').write_text(str(other_driver.pid))
    json, measured, saves, waits = {}, [], [], []

    def unit(name, value):
        def work():
            if name not in json:  # measures only what the json lacks
                measured.append(name)
                json[name] = value
            return json[name]
        return work

    def sleep(seconds):  # the other driver measures b and gives it back
        waits.append(seconds)
        json['b'] = 20
        (claims / 'b.pid').unlink()

    monkeypatch.setattr(shared_work.time, 'sleep', sleep)
    done = shared_work.share_out(
        str(claims), lambda: saves.append(sorted(json)),
        {name: unit(name, value) for name, value in (
            ('a', 1), ('b', 2), ('c', 3))})
    assert done == {'a': 1, 'b': 20, 'c': 3}
    assert measured == ['a', 'c']
    assert waits == [runs.WAIT_SECONDS]
    # the json is saved (and re-read) before each unit
    assert saves == [[], ['a'], ['a', 'b', 'c']]
    assert not list(claims.iterdir())


def test_a_failed_unit_gives_its_claim_back(tmp_path):
    claims = tmp_path / 'claims'

    def fails():
        # held by this driver meanwhile
        assert (claims / 'a.pid').read_text().split()[0] == str(os.getpid())
        raise RuntimeError('killed')

    with pytest.raises(RuntimeError, match='killed'):
        shared_work.share_out(str(claims), lambda: None, {'a': fails})
    assert not list(claims.iterdir())
