"""Where a learning curve that has not reached its knee projects it: a
saturating fit ``top1(E) = a - b * E**-c`` to the measured points, and the
first E at which E/3 more epochs gain less than the knee rule's margin. A
fit whose exponent sits at the grid's lower end is a log-linear curve, which
gains the same at every E and so has no knee to project."""
import math
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

Fit = Tuple[float, float, float]  # a, b, c
EXPONENTS = np.linspace(0.01, 3, 300)


def fit_saturating(epochs: Sequence[float],
                   top1: Sequence[float]) -> Optional[Fit]:
    """Least-squares ``a - b * E**-c``: ``c`` on a grid (0.01-3), ``a`` and
    ``b`` linear for each ``c``.

    Args:
        epochs (Sequence[float]): E of each point.
        top1 (Sequence[float]): Its top-1.

    Returns:
        Fit: (a, b, c) of the least residual with b > 0 (a curve that
        rises), or None with fewer than 3 points or none rising.
    """
    if len(epochs) < 3:
        return None
    e, y = np.asarray(epochs, float), np.asarray(top1, float)
    best = None
    for c in EXPONENTS:
        design = np.stack([np.ones_like(e), -e**-c], axis=1)
        (a, b), *_ = np.linalg.lstsq(design, y, rcond=None)
        residual = float(np.sum((design @ (a, b) - y)**2))
        if b > 0 and (best is None or residual < best[0]):
            best = (residual, float(a), float(b), float(c))
    return None if best is None else best[1:]


def projected_knee(fit: Fit, gain: float) -> float:
    """The E from which E/3 more epochs gain less than ``gain`` on the fit:
    ``b * E**-c * (1 - (3/4)**c) < gain``."""
    _, b, c = fit
    return (b * (1 - 0.75**c) / gain)**(1 / c)


def knee_projection(curve: Dict[str, dict], key: str, gain: float,
                    seed: int = 0) -> Optional[dict]:
    """The fit of one measure of the curve and its projected knee.

    Args:
        curve (Dict[str, dict]): The results' ``curve`` records (``epochs``,
            ``seed``, ``knn``, ``finetune``).
        key (str): ``'knn'`` or ``'finetune'`` (its last epoch's top-1).
        gain (float): The knee rule's margin.
        seed (int): The curve's seed.

    Returns:
        dict: ``a``, ``b``, ``c``, ``knee`` (epochs, rounded up; None for a
        log-linear fit), ``points`` (how many were fitted) and
        ``per_doubling`` (the last two points' gain per doubling of E);
        None when there is no fit.
    """
    points = sorted((r['epochs'], r[key] if key == 'knn' else r[key][-1])
                    for r in curve.values()
                    if r['seed'] == seed and key in r)
    fit = fit_saturating(*zip(*points)) if len(points) >= 3 else None
    if fit is None:
        return None
    a, b, c = fit
    (e0, y0), (e1, y1) = points[-2:]
    return dict(a=a, b=b, c=c, points=len(points),
                per_doubling=(y1 - y0) / math.log2(e1 / e0),
                knee=None if c <= EXPONENTS[0] else
                math.ceil(projected_knee(fit, gain)))
