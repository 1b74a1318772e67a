import subprocess
import sys

import pytest
from mmengine.registry import Registry

from tec_mm.engine import ConfigError, Refusal, run_main
from tec_mm.engine.refusal import find_refusal, one_line


def test_refusal_found_through_mmengine_builders_and_causes():
    registry = Registry('thing')

    @registry.register_module()
    class Thing:

        def __init__(self):
            raise ConfigError('model.x.y=3 is wrong; set 4')

    with pytest.raises(ConfigError) as info:
        registry.build(dict(type='Thing'))
    assert one_line(find_refusal(info.value)) == 'model.x.y=3 is wrong; set 4'
    # the prefix some MMEngine versions put before a builder's error
    wrapped = ConfigError('class `Thing` in tec_mm/tec/thing.py: set 4')
    assert one_line(wrapped) == 'set 4'
    try:
        try:
            raise ConfigError('inner')
        except ConfigError as inner:
            raise RuntimeError('outer') from inner
    except RuntimeError as outer:
        assert str(find_refusal(outer)) == 'inner'
    assert find_refusal(ValueError('not ours')) is None


def test_worker_style_message_keeps_its_last_line():
    err = Refusal('Caught InputError in DataLoader worker process 0.\n'
                  'Original Traceback (most recent call last):\n  ...\n'
                  'tec_mm.engine.refusal.InputError: corrupt image a.jpg\n')
    assert one_line(err) == 'corrupt image a.jpg'


def tool(body: str, *args: str,
         epilogue: str = '') -> subprocess.CompletedProcess:
    code = ('import sys, warnings\n'
            'from tec_mm.engine import ConfigError, run_main\n'
            f'def main():\n    {body}\nrun_main(main)\n{epilogue}')
    return subprocess.run([sys.executable, '-c', code, *args],
                          capture_output=True, text=True)


def test_run_main_prints_one_error_line_and_exits_2():
    res = tool("raise ConfigError('model.neck.embed_dims=7 is wrong')")
    assert res.returncode == 2
    assert res.stderr == 'error: model.neck.embed_dims=7 is wrong\n'
    # --debug shows the traceback; other exceptions always do
    res = tool("raise ConfigError('bad')", '--debug')
    assert res.returncode == 1 and 'Traceback' in res.stderr
    res = tool("raise KeyError('bug')")
    assert res.returncode == 1 and 'Traceback' in res.stderr
    # the tool's own arguments are left as they are
    res = tool("print(sys.argv[1:])", 'a', '--debug', 'b')
    assert res.stdout == "['a', 'b']\n"


def test_run_main_passes_a_normal_run_through(capsys):
    run_main(lambda: print('done'))
    assert capsys.readouterr().out == 'done\n'


def test_run_main_hides_only_pkg_resources_deprecation_in_main():
    res = tool("warnings.warn('pkg_resources is deprecated as an API'); "
               "warnings.warn('a warning of ours')")
    assert res.returncode == 0
    assert 'pkg_resources' not in res.stderr
    assert 'UserWarning: a warning of ours' in res.stderr
    # the filters are the caller's again after main
    res = tool('pass', epilogue="warnings.warn('pkg_resources is deprecated')")
    assert 'UserWarning: pkg_resources is deprecated' in res.stderr
