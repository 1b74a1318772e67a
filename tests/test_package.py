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


def imported_modules(folder: str) -> set:
    """The tec_mm modules the files under ``tec_mm/<folder>`` import."""
    import ast
    import glob
    found = set()
    for path in glob.glob(osp.join(ROOT, 'tec_mm', folder, '**', '*.py'),
                          recursive=True):
        with open(path) as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return {m for m in found if m and m.startswith('tec_mm')}


def test_a_base_checkpoint_is_read_without_the_training_code():
    """One direction: base_models reads the formats (TEC's included) and
    imports neither the TEC model (tec_mm.tec) nor the export, which
    import it."""
    reads = imported_modules('base_models')
    assert not {m for m in reads
                if m.startswith(('tec_mm.tec', 'tec_mm.export'))}, reads
    assert 'tec_mm.base_models.tec_format' in imported_modules('tec')


def test_tec_chooses_its_masks_by_config_not_by_import():
    """The paper's parts (tec_mm.tec) name the efficient-training parts in
    a config (e.g. ``mask_sampler=dict(type='HardMaskSampler', ...)``);
    they do not import them."""
    reads = imported_modules('tec')
    assert not {m for m in reads
                if m.startswith('tec_mm.efficient_training')}, reads
