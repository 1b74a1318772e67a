"""tools/benchmarks/throughput.py runs both models side by side and prints
their speeds and the ratio."""
import re

from tec_test_utils import run_tool


def test_tiny_throughput_prints_both_and_the_ratio():
    res = run_tool('benchmarks/throughput.py', '--size', 'tiny', '--batch',
                   '8', '--reps', '1', '--warmup', '0', '--base-bf16')
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    assert 'tiny, batch 8, CPU' in out or 'tiny, batch 8, NVIDIA' in out
    speeds = {name: float(v) for name, v in re.findall(
        r'^(MAE|TEC|TEC, bf16 base): ([\d.]+) img/s', out, re.M)}
    assert set(speeds) == {'MAE', 'TEC', 'TEC, bf16 base'}
    assert min(speeds.values()) > 0
    for name in ('TEC', 'TEC, bf16 base'):
        ratio = float(re.search(name + r' / MAE: ([\d.]+)x', out).group(1))
        assert abs(ratio - speeds[name] / speeds['MAE']) < 0.02
