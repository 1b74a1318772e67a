"""tools/benchmarks/throughput.py runs the models side by side and prints
their speeds per masked view, FLOPs and the ratios."""
import re

from tec_test_utils import run_tool


def test_tiny_throughput_prints_speed_per_view_and_the_ratio():
    res = run_tool('benchmarks/throughput.py', '--size', 'tiny', '--batch',
                   '8', '--reps', '1', '--warmup', '0', '--base-bf16',
                   '--compile-base', '--num-masks', '1', '2',
                   '--peak-tflops', '1')
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    assert 'tiny, batch 8, CPU' in out or 'tiny, batch 8, NVIDIA' in out
    rows = {name: [float(v) for v in values] for name, *values in re.findall(
        r'^(MAE|TEC[\w ,]*): ([\d.]+) views/s, ([\d.]+) GFLOP per view, '
        r'(?:first step [\d.]+ s, )?MFU ([\d.]+)%', out, re.M)}
    assert set(rows) == {'MAE', 'TEC', 'TEC, bf16 base', 'TEC, base compiled',
                         'TEC, 2 masks', 'TEC, 2 masks, bf16 base',
                         'TEC, 2 masks, base compiled'}
    assert re.search(r'^TEC, base compiled: .* first step [\d.]+ s', out,
                     re.M)
    assert len(out) < 3000  # no initialisation logs
    # a second mask adds the new model's cost, not the base's
    mae, one, two = (rows[k][1] for k in ('MAE', 'TEC', 'TEC, 2 masks'))
    assert mae < two < one
    for name, (speed, gflop, mfu) in rows.items():
        # MFU against a 1 TFLOP/s peak is speed x FLOPs per view / 1e12
        assert abs(mfu - speed * gflop / 10) < 0.06
        if name != 'MAE':
            ratio = float(re.search(re.escape(name) + r' / MAE: ([\d.]+)x',
                                    out).group(1))
            assert abs(ratio - speed / rows['MAE'][0]) < 0.02
