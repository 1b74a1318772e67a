"""The tools print tec_mm's refusals as one ``error:`` line, exit 2 and
write nothing else; --debug shows the traceback."""
import pytest

from tec_test_utils import run_tool

TEC = 'configs/demo/tec_vit-tiny-p4_fmnist.py'


@pytest.mark.parametrize('options, message', [
    (['model.target_generator.checkpoint=/missing.pth'],
     "error: Base checkpoint not found: '/missing.pth'. Set it with "
     '--cfg-options model.target_generator.checkpoint=PATH\n'),
    (['model.target_generator.checkpoint=None'],
     'error: model.target_generator.checkpoint is not set: give the base '
     'model with --cfg-options model.target_generator.checkpoint=PATH\n'),
    (['model.neck.embed_dim=96', 'model.target_generator.checkpoint=/x'],
     "error: model.neck: unknown key 'embed_dim' for ConditionalAdapter "
     "(did you mean 'embed_dims'?); accepted: ['base_names', "
     "'decoder_embed_dims', 'embed_dims', 'group_size', 'init_cfg', "
     "'mlp_ratio', 'norm_cfg', 'num_layers']\n"),
])
def test_train_refuses_in_one_line(tmp_path, options, message):
    res = run_tool('train.py', TEC, '--work-dir', str(tmp_path),
                   '--cfg-options', *options)
    assert (res.returncode, res.stdout, res.stderr) == (2, '', message)
    assert not list(tmp_path.iterdir())  # nothing written


def test_debug_shows_the_traceback(tmp_path):
    res = run_tool('train.py', TEC, '--work-dir', str(tmp_path), '--debug',
                   '--cfg-options',
                   'model.target_generator.checkpoint=/missing.pth')
    assert res.returncode == 1
    assert 'Traceback' in res.stderr and 'MissingInput' in res.stderr


def test_unreadable_base_is_refused_after_the_runner_starts(tmp_path):
    broken = tmp_path / 'broken.pth'
    broken.write_bytes(b'not a checkpoint')
    res = run_tool('train.py', TEC, '--work-dir', str(tmp_path / 'w'),
                   '--cfg-options',
                   f'model.target_generator.checkpoint={broken}')
    assert res.returncode == 2
    assert res.stderr.startswith(f'error: {broken}: cannot be read as a '
                                 'PyTorch checkpoint')
    assert res.stderr.count('\n') == 1


def test_export_refuses_a_missing_checkpoint(tmp_path):
    missing = tmp_path / 'none.pth'
    res = run_tool('export_backbone.py', str(missing),
                   str(tmp_path / 'out.pth'))
    assert (res.returncode, res.stderr) == (
        2, f'error: checkpoint not found: {missing}\n')


@pytest.mark.parametrize('fault, message', [
    ('nan', "weight tensors hold NaN or Inf (e.g. 'cls_token'); the run "
     'that saved it diverged: take an earlier checkpoint'),
    ('int', "weight tensors are not floating point (e.g. 'cls_token': "
     'torch.int64); a base model needs float weights'),
])
def test_base_with_bad_weights_is_refused_before_training(tmp_path, fault,
                                                          message):
    import torch
    from tec_test_utils import write_mmpretrain_checkpoint
    path = str(tmp_path / 'base.pth')
    write_mmpretrain_checkpoint(path, arch=dict(
        embed_dims=96, num_layers=6, num_heads=4, feedforward_channels=384),
        img=28, patch=4, in_ch=1)
    ckpt = torch.load(path)
    key = next(k for k in ckpt['state_dict'] if k.endswith('cls_token'))
    ckpt['state_dict'][key] = (ckpt['state_dict'][key] * float('nan')
                               if fault == 'nan' else
                               ckpt['state_dict'][key].long())
    torch.save(ckpt, path)
    res = run_tool('train.py', TEC, '--work-dir', str(tmp_path / 'w'),
                   '--cfg-options', f'model.target_generator.checkpoint={path}')
    assert res.returncode == 2, res.stderr[-2000:]
    assert res.stderr.startswith(f'error: {path} (mmpretrain): ')
    assert res.stderr.endswith(message + '\n')
    assert res.stderr.count('\n') == 1
    assert not list((tmp_path / 'w').glob('*.pth'))
