"""tools/convert_base_model.py on files on disk: what it prints, and that the
canonical file it writes gives the same targets as the original."""
import os.path as osp
import runpy
import sys

import pytest
import torch

from base_formats import FORMATS, write
from tec_mm import PatchRelationTarget, read_base_checkpoint
from tec_test_utils import ROOT, TINY_ARCH, ReferenceViT, run_tool

TOOL = osp.join(ROOT, 'tools/convert_base_model.py')


def convert(*args):
    return run_tool('convert_base_model.py', *args)


def test_dinov2_file_converts_and_keeps_its_semantics(tmp_path):
    torch.manual_seed(0)
    ref = ReferenceViT(TINY_ARCH, img=70, patch=14, std=0.2,
                       layer_scale=True, grid_offset=0.1)
    src, dst = str(tmp_path / 'dinov2.pth'), str(tmp_path / 'out/base.pth')
    torch.save({**ref.state_dict(), 'mask_token': torch.zeros(1, 24)}, src)

    res = convert(src, dst, '--num-heads', '2')
    assert res.returncode == 0, res.stderr
    lines = dict(line.split(':', 1) for line in res.stdout.splitlines())
    assert lines['format'].strip() == 'dinov2'
    assert "'embed_dims': 24, 'num_layers': 3, 'num_heads': 2" in lines['arch']
    assert 'patch_size=14' in lines['arch']
    assert 'layer_scale=True' in lines['arch']
    assert lines['grid'].strip().startswith('5x5 patches (70 px)')
    assert lines['dropped'].strip() == "['mask_token']"

    converted = read_base_checkpoint(dst)
    assert (converted.format, converted.origin) == ('mmpretrain', 'dinov2')
    img = torch.randn(1, 3, 112, 112)  # 8x8 grid: resized as DINOv2 does
    for path in (src, dst):
        target = PatchRelationTarget(
            path, arch=dict(num_heads=2), img_size=112, with_attention=False)
        torch.testing.assert_close(
            target(img)['feature'], ref.feature_target(img).detach(),
            atol=1e-5, rtol=0)


@pytest.mark.parametrize('name', sorted(FORMATS))
def test_every_format_converts_from_disk(tmp_path, name, monkeypatch,
                                         capsys):
    src, ref = write(tmp_path, name)
    dst = str(tmp_path / 'canonical.pth')
    monkeypatch.setattr(sys, 'argv', [TOOL, src, dst, '--num-heads', '2'])
    runpy.run_path(TOOL, run_name='__main__')
    printed = capsys.readouterr().out
    assert f'format:  {FORMATS[name][-1]}\n' in printed
    converted = read_base_checkpoint(dst)
    assert converted.origin == FORMATS[name][-1]
    assert sorted(converted.state) == sorted(read_base_checkpoint(src).state)


def test_unusable_file_writes_nothing(tmp_path):
    src, dst = str(tmp_path / 'odd.pth'), str(tmp_path / 'out.pth')
    torch.save({'epoch': 1}, src)
    res = convert(src, dst)
    assert res.returncode != 0
    assert "top-level keys seen: ['epoch']" in res.stderr
    assert not osp.exists(dst)
    res = convert(src, src)
    assert res.returncode != 0 and 'IN is never overwritten' in res.stderr
