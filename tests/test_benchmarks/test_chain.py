"""tools/benchmarks/chain.py: three generations on a few images, each the
next one's base, with its lineage recorded; a finished chain is not trained
again."""
import hashlib

import torch

from runner_utils import TEC, TINY
from tec_test_utils import run_tool


def test_three_generations_each_from_the_last(mae_base, tmp_path):
    work = tmp_path / 'chain'
    args = ['benchmarks/chain.py', TEC, '--base', mae_base,
            '--generations', '3',
            '--work-dir', str(work), '--cfg-options', *TINY]
    res = run_tool(*args)
    assert res.returncode == 0, res.stderr[-3000:]
    bases = [mae_base] + [str(work / f'gen{g}/epoch_1.pth') for g in (1, 2)]
    for g in (1, 2, 3):
        meta = torch.load(work / f'gen{g}/epoch_1.pth',
                          weights_only=False)['meta']['lineage']
        assert meta['generation'] == g
        (base, ) = meta['bases']
        assert base['path'] == bases[g - 1]
        assert base['generation'] == g - 1
        with open(bases[g - 1], 'rb') as f:
            assert base['sha256'] == hashlib.sha256(f.read()).hexdigest()
        assert meta['config'].endswith('tec_vit-tiny-p4_fmnist.py')
    log = (work / 'gen2/chain.log').read_text()
    assert "Base model 'mae': " + bases[1] + ' (tec)' in log
    assert f'| 3 | {work}/gen3/epoch_1.pth | {bases[2]} |' in res.stdout
    again = run_tool(*args)  # finished: nothing is trained again
    assert again.returncode == 0
    assert (work / 'gen1/chain.log').read_text().count('Epoch(train)') == \
        log.count('Epoch(train)')


def test_chain_refuses_a_missing_base(tmp_path):
    res = run_tool('benchmarks/chain.py', TEC, '--base',
                   str(tmp_path / 'none.pth'),
                   '--generations', '2')
    assert (res.returncode, res.stderr) == (
        2, f'error: --base {tmp_path}/none.pth: no such file\n')
