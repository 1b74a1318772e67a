"""tools/benchmarks/peak_memory.py prints the computed peak of each
config's step at its batch, or at the batch and masks asked for."""
import re

from tec_test_utils import run_tool


def test_peak_memory_of_two_configs():
    res = run_tool('benchmarks/peak_memory.py',
                   'configs/demo/tec_vit-tiny-p4_fmnist.py',
                   'configs/efficient_training/tec_vit-tiny-p4_fmnist_4-masks.py',
                   '--batch', '8')
    assert res.returncode == 0, res.stderr[-3000:]
    rows = re.findall(r'^(configs/\S+): batch (\d+)( x \d masks)?, '
                      r'bf16 autocast, peak ([\d.]+) GiB per GPU \(([\d.]+) '
                      r'GiB between steps\)$', res.stdout, re.M)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ('configs/demo/tec_vit-tiny-p4_fmnist.py', '8', ''),
        ('configs/efficient_training/tec_vit-tiny-p4_fmnist_4-masks.py', '8',
         ' x 4 masks')]
    assert len(res.stdout) < 1000  # no initialisation logs
