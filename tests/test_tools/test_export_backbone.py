"""tools/export_backbone.py on files on disk: what it prints and writes, and
what it refuses without writing anything."""
import os.path as osp

import torch

from tec_mm.engine import load_checkpoint_file
from tec_mm import TECViT
from tec_test_utils import IMG, PATCH, TINY_ARCH, run_tool


def export(*args):
    return run_tool('export_backbone.py', *args)


def write_tec_checkpoint(path):
    encoder = TECViT(arch=TINY_ARCH, img_size=IMG, patch_size=PATCH)
    state = {f'backbone.{k}': v for k, v in encoder.state_dict().items()}
    state['head.decoder.mask_token'] = torch.zeros(1, 1, 8)
    torch.save(dict(meta=dict(epoch=3), state_dict=state), path)
    return encoder


def test_writes_a_plain_backbone(tmp_path):
    src, dst = str(tmp_path / 'epoch_3.pth'), str(tmp_path / 'out/bb.pth')
    encoder = write_tec_checkpoint(src)
    res = export(src, dst)
    assert res.returncode == 0, res.stderr
    assert 'CLS MLP folded into cls_token' in res.stdout
    assert 'final_norm=True) with 0 missing and 0 unexpected' in res.stdout
    out = load_checkpoint_file(dst, map_location='cpu')
    assert out['meta']['pretrain_meta']['epoch'] == 3
    assert out['meta']['global_pool'] is False
    with torch.no_grad():
        folded = encoder.cls_embedding()
    torch.testing.assert_close(out['state_dict']['backbone.cls_token'],
                               folded)
    assert all(k.startswith('backbone.') for k in out['state_dict'])
    assert 'backbone.ln1.weight' in out['state_dict']

    res = export(src, str(tmp_path / 'gp.pth'), '--global-pool')
    assert res.returncode == 0, res.stderr
    assert 'final_norm=False) with 0 missing' in res.stdout
    gp = load_checkpoint_file(str(tmp_path / 'gp.pth'))['state_dict']
    assert set(out['state_dict']) ^ set(gp) == {
        'backbone.ln1.weight', 'backbone.ln1.bias', 'backbone.ln2.weight',
        'backbone.ln2.bias'
    }


def test_refusals_write_nothing(tmp_path):
    src = str(tmp_path / 'a.pth')
    write_tec_checkpoint(src)
    res = export(src, src)
    assert res.returncode != 0 and 'never overwritten' in res.stderr

    plain = str(tmp_path / 'plain.pth')
    torch.save({'cls_token': torch.zeros(1, 1, 8)}, plain)
    res = export(plain, str(tmp_path / 'x.pth'))
    assert res.returncode != 0 and 'no "state_dict"' in res.stderr

    other = str(tmp_path / 'other.pth')
    torch.save({'state_dict': {'encoder.w': torch.zeros(2)}}, other)
    res = export(other, str(tmp_path / 'y.pth'))
    assert res.returncode != 0
    assert 'no ViT encoder under "backbone."' in res.stderr
    assert not osp.exists(tmp_path / 'x.pth')
    assert not osp.exists(tmp_path / 'y.pth')
