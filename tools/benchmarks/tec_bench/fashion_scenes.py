"""Scenes composed of Fashion-MNIST items: real-image stand-ins for ADE20K
and COCO that the stock MMSegmentation / MMDetection datasets read.

A scene is a square grey canvas cut into a grid of cells; 1 to all cells hold
one 28 x 28 Fashion-MNIST item each, at a random offset inside its cell, so
items never overlap. An item's mask is its pixels brighter than
:data:`FOREGROUND`; its box is the mask's extent.

Two on-disk layouts are written from the same scenes:

- ADE20K (``images/{training,validation}/*.jpg`` and
  ``annotations/{training,validation}/*.png``), read by
  :class:`mmseg.datasets.ADE20KDataset` with its 150 classes unchanged: the
  label PNGs follow ADE20K's convention (0 = unlabelled, ``k`` = class
  ``k - 1`` after ``reduce_zero_label``); background is written as ADE20K
  class 0 and Fashion-MNIST class ``c`` as ADE20K class ``c + 1``
  (:data:`ADE20K_INDEX` names the mapping).
- COCO (``{train,val}2017/*.jpg`` and ``annotations/instances_*2017.json``
  with boxes and RLE masks), read by :class:`mmdet.datasets.CocoDataset` with
  ``metainfo=dict(classes=FASHION_CLASSES)``.
"""
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import numpy as np
from PIL import Image

FASHION_CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
                   'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot')
FOREGROUND = 32
ITEM_SIZE = 28
ADE20K_INDEX = {'background': 0, **{c: i + 1 for i, c in enumerate(
    FASHION_CLASSES)}}
ADE20K_SPLITS = {'train': 'training', 'val': 'validation'}
COCO_SPLITS = {'train': 'train2017', 'val': 'val2017'}


@dataclass
class SceneItem:
    """One Fashion-MNIST item placed on a canvas.

    Args:
        label (int): Fashion-MNIST class, 0-9.
        mask (np.ndarray): H x W bool, the item's foreground pixels.
        box (tuple): ``(x0, y0, x1, y1)``, inclusive pixel extent of ``mask``.
    """
    label: int
    mask: np.ndarray
    box: Tuple[int, int, int, int]


@dataclass
class Scene:
    """A canvas and the items on it.

    Args:
        image (np.ndarray): H x W ``uint8`` grey image.
        items (list[SceneItem]): The items, in placement order.
    """
    image: np.ndarray
    items: List[SceneItem] = field(default_factory=list)

    def ade20k_label(self) -> np.ndarray:
        """H x W ``uint8`` label map in ADE20K's PNG convention."""
        label = np.full(self.image.shape, ADE20K_INDEX['background'] + 1,
                        np.uint8)
        for item in self.items:
            label[item.mask] = item.label + 2
        return label


def compose_scene(images: np.ndarray, labels: np.ndarray,
                  rng: np.random.Generator, cells: int = 2,
                  cell_size: int = 32) -> Scene:
    """Place 1 to ``cells**2`` random items on a black canvas.

    Args:
        images (np.ndarray): N x 28 x 28 ``uint8`` Fashion-MNIST images.
        labels (np.ndarray): N classes.
        rng (np.random.Generator): Source of every random choice.
        cells (int): Cells per side. Defaults to 2.
        cell_size (int): Cell side in pixels, at least 28. Defaults to 32.

    Returns:
        Scene: A ``cells * cell_size`` square scene. Items with fewer than 16
        foreground pixels are left out (the cell stays empty).
    """
    if cell_size < ITEM_SIZE:
        raise ValueError(f'cell_size={cell_size} is smaller than an item '
                         f'({ITEM_SIZE} px)')
    side = cells * cell_size
    scene = Scene(np.zeros((side, side), np.uint8))
    count = int(rng.integers(1, cells * cells + 1))
    for cell in rng.choice(cells * cells, count, replace=False):
        index = int(rng.integers(len(images)))
        row, col = divmod(int(cell), cells)
        y0, x0 = row * cell_size, col * cell_size
        y0 += int(rng.integers(cell_size - ITEM_SIZE + 1))
        x0 += int(rng.integers(cell_size - ITEM_SIZE + 1))
        patch = images[index]
        scene.image[y0:y0 + ITEM_SIZE, x0:x0 + ITEM_SIZE] = patch
        mask = np.zeros_like(scene.image, bool)
        mask[y0:y0 + ITEM_SIZE, x0:x0 + ITEM_SIZE] = patch > FOREGROUND
        if mask.sum() < 16:
            continue
        ys, xs = np.nonzero(mask)
        box = (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
        scene.items.append(SceneItem(int(labels[index]), mask, box))
    return scene


def write_ade20k(scenes: List[Scene], root: str, split: str) -> None:
    """Write scenes in ADE20K's layout under ``root``.

    Args:
        scenes (list[Scene]): The scenes; file ``i`` is scene ``i``.
        root (str): Dataset root (``data_root`` of the config).
        split (str): ``'train'`` or ``'val'``.
    """
    folder = ADE20K_SPLITS[split]
    for sub in ('images', 'annotations'):
        os.makedirs(osp.join(root, sub, folder), exist_ok=True)
    for i, scene in enumerate(scenes):
        name = f'scene_{split}_{i:05d}'
        Image.fromarray(scene.image).save(
            osp.join(root, 'images', folder, name + '.jpg'), quality=95)
        Image.fromarray(scene.ade20k_label()).save(
            osp.join(root, 'annotations', folder, name + '.png'))


def coco_instances(scenes: List[Scene], split: str) -> Dict:
    """COCO instances JSON of the scenes (boxes ``[x, y, w, h]``, RLE masks).

    Args:
        scenes (list[Scene]): The scenes; image id ``i + 1`` is scene ``i``.
        split (str): ``'train'`` or ``'val'``, part of the file names.

    Returns:
        dict: ``images``, ``annotations`` and ``categories`` (ids 1-10).
    """
    from pycocotools import mask as mask_utils  # MMDetection's; COCO only

    images, annotations = [], []
    for i, scene in enumerate(scenes):
        height, width = scene.image.shape
        images.append(dict(id=i + 1, file_name=f'scene_{split}_{i:05d}.jpg',
                           height=height, width=width))
        for item in scene.items:
            rle = mask_utils.encode(np.asfortranarray(item.mask.astype(
                np.uint8)))
            x0, y0, x1, y1 = item.box
            annotations.append(dict(
                id=len(annotations) + 1, image_id=i + 1,
                category_id=item.label + 1,
                bbox=[x0, y0, x1 - x0 + 1, y1 - y0 + 1],
                area=int(item.mask.sum()), iscrowd=0,
                segmentation=dict(size=rle['size'],
                                  counts=rle['counts'].decode())))
    categories = [dict(id=i + 1, name=c) for i, c in enumerate(
        FASHION_CLASSES)]
    return dict(images=images, annotations=annotations,
                categories=categories)


def write_coco(scenes: List[Scene], root: str, split: str) -> None:
    """Write scenes in COCO's layout under ``root``.

    Args:
        scenes (list[Scene]): The scenes.
        root (str): Dataset root (``data_root`` of the config).
        split (str): ``'train'`` or ``'val'``.
    """
    folder = COCO_SPLITS[split]
    os.makedirs(osp.join(root, folder), exist_ok=True)
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    for i, scene in enumerate(scenes):
        Image.fromarray(scene.image).save(
            osp.join(root, folder, f'scene_{split}_{i:05d}.jpg'), quality=95)
    with open(osp.join(root, 'annotations', f'instances_{folder}.json'),
              'w') as f:
        json.dump(coco_instances(scenes, split), f)
