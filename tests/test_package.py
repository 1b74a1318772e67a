"""The plugin is only the plugin: importing it loads none of the
experiments (tools/benchmarks/tec_bench)."""
import os.path as osp
import subprocess
import sys

from tec_test_utils import ROOT

BENCHMARKS = osp.join(ROOT, 'tools', 'benchmarks')


def test_import_tec_mm_loads_no_experiment_module():
    code = ('import sys, tec_mm; print(sorted(m for m in sys.modules if '
            "m.split('.')[0] in ('tec_bench', 'demo', 'sustainability') or "
            "m.startswith('tec_mm.demo')))")
    # run where tec_bench is importable, so that importing it would show
    res = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, cwd=BENCHMARKS, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == '[]'
    res = subprocess.run([sys.executable, '-c', 'import tec_bench'],
                         capture_output=True, text=True,
                         cwd=BENCHMARKS, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
