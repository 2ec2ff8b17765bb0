"""What the gradients page's chart draws: f and its gradient sampled around the point.

:func:`field_view` samples f on a square window around the point (a slice through
the point when n > 2), its level curves and a coarser grid of gradient arrows
(:class:`FieldView`); for n = 1 it samples f and f' instead (:class:`CurveView`).

Examples
--------
>>> v = field_view("x1^2 + x2^2", "1, 0", 2)
>>> v.names, v.f0, v.grad0
(('x1', 'x2'), 1.0, (2.0, 0.0))
>>> c = field_view("x1^3", "1", 1)
>>> c.f0, c.slope
(1.0, 3.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calc_core.contours import level_segments, quantile_levels
from calc_core.derivative import real_diff
from calc_core.errors import InputError
from calc_core.gradient_input import check_n, parse_function, parse_point, variables
from calc_core.numeric import compile_expr
from calc_core.parser import symbol


@dataclass(frozen=True)
class CurveView:
    """n = 1: f and f' around the point."""

    x: np.ndarray
    f: np.ndarray  # NaN where undefined
    df: np.ndarray
    x0: float
    f0: float | None
    slope: float | None
    y_range: tuple[float, float]


@dataclass(frozen=True)
class FieldView:
    """n >= 2: f on a square window around the point (a slice when n > 2) and its gradient.

    ``axes`` are the 0-based coordinates on the horizontal and vertical axes; the other
    coordinates stay at the point's values (``fixed``). ``z[r, c]`` is f at
    ``(xs[c], ys[r])``; ``segments`` are level curves ``(x, y, x2, y2, level_index)``;
    ``arrows`` rows are ``(x, y, df/dx_axes0, df/dx_axes1)`` on a coarser grid.
    """

    axes: tuple[int, int]
    names: tuple[str, str]
    fixed: tuple[tuple[str, float], ...]
    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    levels: np.ndarray
    segments: np.ndarray
    arrows: np.ndarray
    point: tuple[float, float]
    f0: float | None
    grad0: tuple[float, float] | None
    half_width: float


def window(center: tuple[float, ...]) -> float:
    """Half-width of the square window drawn around the point."""
    return max(2.0, 0.5 * max(abs(c) for c in center))


def field_view(
    f_text: str,
    at_text: str,
    n: int = 2,
    plane: tuple[int, int] = (0, 1),
    cells: int = 41,
    arrows: int = 11,
) -> CurveView | FieldView:
    """Sample f (and its gradient) around the point for the page's chart."""
    n = check_n(n)
    expr = parse_function(f_text, n)
    _, floats = parse_point(at_text, n)
    syms = [symbol(v) for v in variables(n)]
    fn = compile_expr(expr, syms)
    point = np.array(floats)
    if n == 1:
        return _curve(expr, syms[0], fn, float(point[0]))
    i, j = plane
    if not (0 <= i < n and 0 <= j < n and i != j):
        raise InputError(
            "out_of_range",
            f"The plane must use two different coordinates among x1..x{n}.",
            field="plane",
            low="x1",
            high=f"x{n}",
        )
    grad = [compile_expr(real_diff(expr, syms[k]), syms) for k in (i, j)]
    r = window((point[i], point[j]))
    xs = np.linspace(point[i] - r, point[i] + r, cells)
    ys = np.linspace(point[j] - r, point[j] + r, cells)

    def at_plane(gx, gy):
        args = [np.full(gx.shape, v) for v in point]
        args[i], args[j] = gx, gy
        return args

    gx, gy = np.meshgrid(xs, ys)
    z = fn(*at_plane(gx, gy))
    z = np.where(np.isfinite(z), z, np.nan)
    levels = quantile_levels(z, 10)
    segments = level_segments(xs, ys, z, levels)
    centers_x = point[i] - r + (np.arange(arrows) + 0.5) * (2 * r / arrows)
    centers_y = point[j] - r + (np.arange(arrows) + 0.5) * (2 * r / arrows)
    ax, ay = np.meshgrid(centers_x, centers_y)
    u = grad[0](*at_plane(ax, ay)).ravel()
    v = grad[1](*at_plane(ax, ay)).ravel()
    keep = np.isfinite(u) & np.isfinite(v)
    field = np.column_stack([ax.ravel(), ay.ravel(), u, v])[keep]
    f0 = float(fn(*point[:, None])[0])
    g0 = [float(g(*point[:, None])[0]) for g in grad]
    names = (f"x{i + 1}", f"x{j + 1}")
    fixed = tuple((f"x{k + 1}", float(point[k])) for k in range(n) if k not in (i, j))
    return FieldView(
        axes=(i, j),
        names=names,
        fixed=fixed,
        xs=xs,
        ys=ys,
        z=z,
        levels=levels,
        segments=segments,
        arrows=field,
        point=(float(point[i]), float(point[j])),
        f0=f0 if math.isfinite(f0) else None,
        grad0=(g0[0], g0[1]) if all(math.isfinite(g) for g in g0) else None,
        half_width=r,
    )


def _curve(expr, x, fn, x0: float, points: int = 401) -> CurveView:
    r = window((x0,))
    xs = np.linspace(x0 - r, x0 + r, points)
    d = compile_expr(real_diff(expr, x), [x])
    y = fn(xs)
    dy = d(xs)
    y = np.where(np.isfinite(y), y, np.nan)
    dy = np.where(np.isfinite(dy), dy, np.nan)
    both = np.concatenate([y[np.isfinite(y)], dy[np.isfinite(dy)]])
    if both.size:
        lo, hi = np.percentile(both, [2, 98])
        pad = 0.1 * max(hi - lo, 1e-9)
        y_range = (float(lo - pad), float(hi + pad))
    else:
        y_range = (-1.0, 1.0)
    f0 = float(fn(np.array([x0]))[0])
    s0 = float(d(np.array([x0]))[0])
    return CurveView(
        x=xs,
        f=y,
        df=dy,
        x0=x0,
        f0=f0 if math.isfinite(f0) else None,
        slope=s0 if math.isfinite(s0) else None,
        y_range=y_range,
    )
