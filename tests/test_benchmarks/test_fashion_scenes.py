"""Fashion-MNIST scenes: placement, masks and boxes by hand, and the stock
MMSeg ADE20KDataset and MMDet CocoDataset reading what is written."""
import numpy as np
from mmdet.datasets import CocoDataset
from mmseg.datasets import ADE20KDataset
from mmseg.datasets.transforms import LoadAnnotations
from PIL import Image
from pycocotools import mask as mask_utils

from tec_bench import (ADE20K_INDEX, FASHION_CLASSES, compose_scene,
                       write_ade20k, write_coco)


def items():
    """Two 28 x 28 items: a bright bar (class 3) and a dim one (class 7)."""
    images = np.zeros((2, 28, 28), np.uint8)
    images[0, 5:11, 3:21] = 200  # rows 5-10, columns 3-20
    images[1, 2:4, 2:4] = 20  # below FOREGROUND: no foreground at all
    return images, np.array([3, 7])


class FixedRng:
    """Draws that put one item 0 in cell 3 (bottom right) at offset (1, 2).

    The draws of compose_scene, in order: count, cells, item index, row
    offset, column offset.
    """

    def __init__(self, cells):
        self.draws = iter([len(cells), 0, 1, 2])
        self.cells = cells

    def integers(self, *args):
        return next(self.draws)

    def choice(self, *args, **kwargs):
        return np.array(self.cells)


def test_placement_mask_and_box_by_hand():
    images, labels = items()
    scene = compose_scene(images, labels, FixedRng([3]))
    assert scene.image.shape == (64, 64)
    (item, ) = scene.items
    # cell 3 starts at (32, 32); offset (1, 2) -> item at row 33, column 34
    assert item.label == 3
    assert item.box == (34 + 3, 33 + 5, 34 + 20, 33 + 10)
    assert item.mask.sum() == 6 * 18
    assert scene.image[38, 37] == 200 and scene.image[37, 37] == 0
    label = scene.ade20k_label()
    assert set(np.unique(label)) == {1, 3 + 2}
    assert (label == 5).sum() == 6 * 18


def test_item_without_foreground_is_left_out():
    images, labels = items()
    rng = FixedRng([0])
    rng.draws = iter([1, 1, 0, 0])  # one item: index 1, the dim one
    scene = compose_scene(images, labels, rng)
    assert scene.items == [] and scene.image.max() == 20


def test_stock_datasets_read_both_layouts(tmp_path):
    images, labels = items()
    scenes = [compose_scene(images, labels, FixedRng([3])) for _ in range(2)]
    write_ade20k(scenes, str(tmp_path / 'ade'), 'val')
    write_coco(scenes, str(tmp_path / 'coco'), 'val')

    ade = ADE20KDataset(
        data_root=str(tmp_path / 'ade'),
        data_prefix=dict(
            img_path='images/validation',
            seg_map_path='annotations/validation'),
        pipeline=[LoadAnnotations(reduce_zero_label=True)])
    assert len(ade) == 2
    seg = ade[0]['gt_seg_map']
    # after reduce_zero_label: background -> ADE20K class 0, class 3 -> 4
    assert ADE20K_INDEX['Dress'] == 4 and FASHION_CLASSES[3] == 'Dress'
    assert (seg == 4).sum() == 6 * 18 and (seg == 0).sum() == 64 * 64 - 108
    assert np.array(Image.open(ade[0]['img_path'])).shape == (64, 64)

    coco = CocoDataset(
        data_root=str(tmp_path / 'coco'),
        ann_file='annotations/instances_val2017.json',
        data_prefix=dict(img='val2017/'),
        metainfo=dict(classes=FASHION_CLASSES),
        pipeline=[])
    assert len(coco) == 2
    (inst, ) = coco[0]['instances']
    # [x, y, w, h] = [37, 38, 18, 6] becomes corners [37, 38, 55, 44]
    assert inst['bbox'] == [37, 38, 55, 44]
    assert inst['bbox_label'] == 3
    rle = inst['mask']
    assert mask_utils.decode(rle).sum() == 6 * 18
    assert (mask_utils.decode(rle).astype(bool) == scenes[0].items[0].mask
            ).all()
