"""Level curves of a sampled function by marching squares, in numpy only.

A contour chart shows the sets f = c; the gradient is perpendicular to them and
points uphill. Altair has no contour mark, so the curves are computed here as line
segments (one or two per grid cell and level) and drawn as rule marks.

For each cell and level the four corners are classified above/below the level (a
4-bit case, 16 cases); each edge the level crosses gets a point by linear
interpolation, and the case table says which crossing points to join. The two
saddle cases (diagonal corners on the same side) are resolved by the cell's mean,
as in Lorensen & Cline's marching cubes.

References
----------
.. [1] W. E. Lorensen and H. E. Cline, "Marching cubes: a high resolution 3D surface
       construction algorithm", SIGGRAPH 1987 (the 2-D case is marching squares).

Examples
--------
>>> import numpy as np
>>> xs = ys = np.linspace(-1, 1, 21)
>>> X, Y = np.meshgrid(xs, ys)
>>> seg = level_segments(xs, ys, X**2 + Y**2, [0.5])
>>> r = np.hypot(seg[:, [0, 2]], seg[:, [1, 3]])  # both ends of every segment
>>> bool(np.allclose(r, np.sqrt(0.5), atol=0.02))
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Edges of a cell: 0 bottom (corner 0 -> 1), 1 right (1 -> 2), 2 top (3 -> 2), 3 left (0 -> 3).
# Corners: 0 = (i, j), 1 = (i, j+1), 2 = (i+1, j+1), 3 = (i+1, j) with i the row (y), j the column.
# Case bit k is set when corner k is above the level.
_CASES: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((3, 0),),
    2: ((0, 1),),
    3: ((3, 1),),
    4: ((1, 2),),
    6: ((0, 2),),
    7: ((3, 2),),
    8: ((2, 3),),
    9: ((2, 0),),
    11: ((2, 1),),
    12: ((1, 3),),
    13: ((1, 0),),
    14: ((0, 3),),
}
# saddles: (pairs when the centre is below the level, pairs when it is above)
_SADDLES = {5: (((3, 0), (1, 2)), ((3, 2), (1, 0))), 10: (((0, 1), (2, 3)), ((0, 3), (2, 1)))}


def level_segments(
    xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels: Sequence[float]
) -> np.ndarray:
    """Segments of the level curves ``z = c`` for each ``c`` in ``levels``.

    Parameters
    ----------
    xs, ys : 1-D arrays
        Grid coordinates (columns and rows of ``z``), increasing.
    z : 2-D array, shape ``(len(ys), len(xs))``
        Samples; cells with a NaN corner are skipped.
    levels : sequence of float

    Returns
    -------
    ndarray, shape ``(k, 5)``
        Rows ``(x_start, y_start, x_end, y_end, level_index)``.
    """
    z = np.asarray(z, dtype=float)
    corners = np.stack([z[:-1, :-1], z[:-1, 1:], z[1:, 1:], z[1:, :-1]])  # (4, rows, cols)
    finite = np.all(np.isfinite(corners), axis=0)
    x0, x1 = xs[:-1][None, :], xs[1:][None, :]
    y0, y1 = ys[:-1][:, None], ys[1:][:, None]
    out = []
    with np.errstate(all="ignore"):
        for index, level in enumerate(levels):
            above = corners > level
            case = (above * np.array([1, 2, 4, 8])[:, None, None]).sum(axis=0)
            case = np.where(finite, case, 0)

            def t(a, b, level=level):
                return np.clip((level - corners[a]) / (corners[b] - corners[a]), 0.0, 1.0)

            # crossing point of each edge, for every cell
            shape = case.shape
            px = [
                np.broadcast_to(x0 + t(0, 1) * (x1 - x0), shape),
                np.broadcast_to(x1, shape),
                np.broadcast_to(x0 + t(3, 2) * (x1 - x0), shape),
                np.broadcast_to(x0, shape),
            ]
            py = [
                np.broadcast_to(y0, shape),
                np.broadcast_to(y0 + t(1, 2) * (y1 - y0), shape),
                np.broadcast_to(y1, shape),
                np.broadcast_to(y0 + t(0, 3) * (y1 - y0), shape),
            ]
            centre_above = corners.mean(axis=0) > level
            for code in range(1, 15):
                mask = case == code
                if not mask.any():
                    continue
                if code in _SADDLES:
                    low, high = _SADDLES[code]
                    groups = [(mask & ~centre_above, low), (mask & centre_above, high)]
                else:
                    groups = [(mask, _CASES[code])]
                for cells, pairs in groups:
                    if not cells.any():
                        continue
                    for a, b in pairs:
                        out.append(
                            np.column_stack(
                                [
                                    px[a][cells],
                                    py[a][cells],
                                    px[b][cells],
                                    py[b][cells],
                                    np.full(int(cells.sum()), float(index)),
                                ]
                            )
                        )
    return np.concatenate(out) if out else np.empty((0, 5))


def quantile_levels(z: np.ndarray, count: int = 10) -> np.ndarray:
    """``count`` levels spread over the values of ``z`` by quantile (robust to outliers).

    >>> import numpy as np
    >>> quantile_levels(np.arange(101.0), 4).tolist()
    [20.0, 40.0, 60.0, 80.0]
    """
    finite = np.asarray(z, dtype=float)[np.isfinite(z)]
    if finite.size == 0 or np.ptp(finite) == 0:
        return np.empty(0)
    levels = np.quantile(finite, np.linspace(0, 1, count + 2)[1:-1])
    return np.unique(levels)
