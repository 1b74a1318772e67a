import json
import math
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from tec_test_utils import ROOT, write_mae_checkpoint

from tec_bench import attention_target_entropy
from tec_mm.datasets import DEBIAN_FASHION_MNIST


def test_uniform_rows_have_entropy_one():
    assert attention_target_entropy(torch.zeros(2, 3, 4, 49), 1.8) == \
        pytest.approx(1.0)


def test_entropy_by_hand():
    # logits (0, log 3) at tau 1: p = (1/4, 3/4);
    # H = -(1/4 log 1/4 + 3/4 log 3/4) = 0.5623 nats; / log 2 = 0.8113
    logits = torch.tensor([0., math.log(3.)]).view(1, 1, 1, 2)
    assert attention_target_entropy(logits, 1.0) == pytest.approx(
        0.811278, abs=1e-5)
    # tau = 0.5 squares the odds: p = (1/10, 9/10), H / log 2 = 0.4690
    assert attention_target_entropy(logits, 0.5) == pytest.approx(
        0.468996, abs=1e-5)


@pytest.mark.skipif(not osp.isdir(DEBIAN_FASHION_MNIST),
                    reason='Debian package dataset-fashion-mnist not installed')
def test_a_base_is_measured_by_a_process_that_built_nothing_before(
        tmp_path):
    # the knee study's stage knee-sweep run alone: no registry scope is set
    # when the validation images are read
    base = str(tmp_path / 'base.pth')
    write_mae_checkpoint(base, img=28, in_ch=1)
    code = ('import json, sys; from tec_bench.target_entropy import '
            'base_target_entropy; print(json.dumps(base_target_entropy('
            'sys.argv[1], sys.argv[2], taus=(1.0, 0.2), top_ks=(4, ))))')
    config = osp.join(ROOT, 'configs/sustainability/tec_vit-tiny-p4_fmnist-'
                      '10k.py')
    res = subprocess.run(
        [sys.executable, '-c', code, config, base], capture_output=True,
        text=True, env=dict(os.environ, PYTHONPATH=osp.join(
            ROOT, 'tools/benchmarks')))
    assert res.returncode == 0, res.stderr[-3000:]
    entropy = json.loads(res.stdout.splitlines()[-1])
    assert set(entropy) == {'tau=1.0, K=4', 'tau=0.2, K=4'}
    # a lower temperature sharpens the same logits
    assert 0 < entropy['tau=0.2, K=4'] < entropy['tau=1.0, K=4'] <= 1
