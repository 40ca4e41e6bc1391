"""Small deterministic datasets.

>>> x, y = four_blobs(n=8, seed=0)
>>> len(x), sorted(set(y))
(8, [0, 1, 2, 3])
"""

from __future__ import annotations

import numbers
import random

# One cluster per class, at the corners of a square centred on the origin.
BLOB_CENTRES = ((1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0))
BLOB_SPREAD = 0.46  # standard deviation of each cluster: neighbours touch


def four_blobs(n: int = 100, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """A 2D classification set: ``n`` points in 4 Gaussian clusters, one per class.

    Class ``k`` is centred on ``BLOB_CENTRES[k]`` (the corners (±1, ±1)) with
    standard deviation ``BLOB_SPREAD`` in each direction, so neighbouring
    clusters touch and a few points sit near a boundary. Classes get
    ``n // 4`` points each (the first ``n % 4`` classes one more), and the rows
    come shuffled. The same ``n`` and ``seed`` always give the same data.

    Returns ``(x, y)``: a list of ``[x1, x2]`` rows and a list of int labels 0..3.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"four_blobs expects n as an int ≥ 4 (one point per class), got {type(n).__name__} {n!r}")
    if n < 4:
        raise ValueError(f"four_blobs expects n as an int ≥ 4 (one point per class), got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"four_blobs expects seed as an int, got {type(seed).__name__} {seed!r}")
    n, rng = int(n), random.Random(int(seed))
    points = []
    for i in range(n):
        label = i % 4
        cx, cy = BLOB_CENTRES[label]
        points.append(([cx + rng.gauss(0, BLOB_SPREAD), cy + rng.gauss(0, BLOB_SPREAD)], label))
    rng.shuffle(points)
    return [p for p, _ in points], [label for _, label in points]
