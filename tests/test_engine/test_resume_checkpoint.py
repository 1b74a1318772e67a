"""Which checkpoint --resume takes when a kill left broken files behind."""
import os
import time

import torch

from tec_mm.engine import find_resume_checkpoint, is_complete_checkpoint


def save(path, age):
    torch.save({'state_dict': {'w': torch.ones(1000)}}, path)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))


def cut_short(path):
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


def test_complete_named_checkpoint_is_taken(tmp_path):
    for i, age in ((1, 30), (2, 20)):
        save(str(tmp_path / f'epoch_{i}.pth'), age)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_1.pth'))
    assert find_resume_checkpoint(str(tmp_path)) == str(
        tmp_path / 'epoch_1.pth')


def test_cut_short_or_missing_files_are_skipped(tmp_path):
    good, bad = str(tmp_path / 'epoch_1.pth'), str(tmp_path / 'epoch_2.pth')
    save(good, 30)
    save(bad, 10)
    cut_short(bad)  # killed while writing epoch 2
    assert is_complete_checkpoint(good) and not is_complete_checkpoint(bad)
    (tmp_path / 'last_checkpoint').write_text(bad)
    assert find_resume_checkpoint(str(tmp_path)) == good
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epo'))  # cut
    assert find_resume_checkpoint(str(tmp_path)) == good
    os.remove(tmp_path / 'last_checkpoint')
    assert find_resume_checkpoint(str(tmp_path)) == good
    os.remove(good)
    assert find_resume_checkpoint(str(tmp_path)) is None
