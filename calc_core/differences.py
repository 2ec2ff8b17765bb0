"""Finite-difference schemes for f'(x0), and the theory of their errors in any precision.

Every scheme trades *truncation* error (the Taylor terms it drops, shrinking as h
does) against *round-off* error (cancellation in f(x0+h) - f(x0), growing as h
shrinks). Minimising the sum gives the best step and the best reachable error:

=============  ==========================  ==========  ============
scheme         formula                     best h      best error
=============  ==========================  ==========  ============
forward        (f(x+h) - f(x)) / h         ~ eps^1/2   ~ eps^1/2
backward       (f(x) - f(x-h)) / h         ~ eps^1/2   ~ eps^1/2
central        (f(x+h) - f(x-h)) / 2h      ~ eps^1/3   ~ eps^2/3
richardson     (4 D(h/2) - D(h)) / 3       ~ eps^1/5   ~ eps^4/5
complex        Im f(x + ih) / h            any small   ~ eps
=============  ==========================  ==========  ============

(D is the central quotient.) The complex step has no subtraction, hence no
cancellation: it reaches machine precision for any tiny h, but needs f analytic.
eps is the working format's machine epsilon: 2.2e-16 in float64 (the default),
1.2e-7 in float32 (:mod:`calc_core.precision`); :func:`theory` gives the table for any.

References
----------
.. [1] Sauer, *Numerical Analysis*, 2nd ed., section 5.1 (truncation vs rounding).
.. [2] Squire & Trapp, "Using complex variables to estimate derivatives of real
       functions", SIAM Review 40(1), 1998.
.. [3] Richardson, "The deferred approach to the limit", Phil. Trans. A 226, 1927.

Examples
--------
>>> import numpy as np
>>> f = lambda x: 3 * x**2 - 4 * x
>>> bool(np.isclose(quotient(f, 1.0, 0.1, "forward"), 2.3))
True
>>> bool(np.isclose(quotient(np.sin, 1.0, 1e-20, "complex"), np.cos(1.0), rtol=1e-15))
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

EPS = float(np.finfo(float).eps)
SCHEMES = ("forward", "backward", "central", "complex", "richardson")


def quotient(f: Callable, x0: float, h, scheme: str = "forward", dtype=None) -> np.ndarray:
    """The difference quotient of ``f`` at ``x0`` for step(s) ``h`` under ``scheme``.

    ``f`` maps a numpy array to a numpy array (see :func:`calc_core.numeric.compile_expr`);
    the ``complex`` scheme calls it with complex input. With ``dtype`` (float32, ...)
    x0 and h are rounded to that format and every operation of the quotient is
    rounded to it too, as a framework computes; ``f`` should evaluate in it as well.
    """
    real = np.dtype(float) if dtype is None else np.dtype(dtype)

    def rnd(v):
        v = np.asarray(v)
        return v if np.iscomplexobj(v) else v.astype(real, copy=False)

    h = rnd(np.asarray(h, dtype=float))
    x = rnd(np.asarray(x0, dtype=float))

    def central(step):
        return rnd(rnd(f(rnd(x + step)) - f(rnd(x - step))) / rnd(2 * step))

    with np.errstate(all="ignore"):
        if scheme == "forward":
            return rnd(rnd(f(rnd(x + h)) - f(rnd(x + 0 * h))) / h)
        if scheme == "backward":
            return rnd(rnd(f(rnd(x + 0 * h)) - f(rnd(x - h))) / h)
        if scheme == "central":
            return central(h)
        if scheme == "complex":
            return rnd(rnd(np.imag(f(x + 1j * h))) / h)
        if scheme == "richardson":
            return rnd(rnd(rnd(4 * central(rnd(h / 2))) - central(h)) / 3)
    raise ValueError(f"unknown scheme {scheme!r}; expected one of {SCHEMES}")


@dataclass(frozen=True)
class SchemeTheory:
    """What float64 theory predicts for one scheme (constants of order one dropped)."""

    scheme: str
    order: int  # truncation error ~ h^order
    best_h: float
    best_error: float
    formula_latex: str
    best_h_latex: str


def theory(eps: float = EPS) -> dict[str, SchemeTheory]:
    """Each scheme's predicted best step and error for machine epsilon ``eps``.

    >>> f"{theory(2.0**-23)['central'].best_h:.1e}"  # float32
    '4.9e-03'
    """
    return {
        "forward": SchemeTheory(
            "forward", 1, eps**0.5, eps**0.5, r"\frac{f(x+h)-f(x)}{h}", r"\sqrt{\varepsilon}"
        ),
        "backward": SchemeTheory(
            "backward", 1, eps**0.5, eps**0.5, r"\frac{f(x)-f(x-h)}{h}", r"\sqrt{\varepsilon}"
        ),
        "central": SchemeTheory(
            "central",
            2,
            eps ** (1 / 3),
            eps ** (2 / 3),
            r"\frac{f(x+h)-f(x-h)}{2h}",
            r"\varepsilon^{1/3}",
        ),
        "complex": SchemeTheory(
            "complex",
            2,
            1e-20,
            eps,
            r"\frac{\operatorname{Im} f(x+ih)}{h}",
            r"\text{any } h \ll 1",
        ),
        "richardson": SchemeTheory(
            "richardson",
            4,
            eps ** (1 / 5),
            eps ** (4 / 5),
            r"\frac{4D_{h/2} - D_h}{3},\ D_h=\frac{f(x+h)-f(x-h)}{2h}",
            r"\varepsilon^{1/5}",
        ),
    }


#: The float64 table.
THEORY: dict[str, SchemeTheory] = theory(EPS)


@dataclass(frozen=True)
class ErrorSweep:
    """Absolute error of every scheme over a log-spaced range of h.

    ``errors[scheme][k]`` is ``|D(h[k]) - exact|`` (computed in float64 from the
    quotient in the working format); an exact zero is stored as 0.0 (a log chart must
    place it on its floor). ``best_h``/``best_error`` are the measured minima; compare
    them with :attr:`theory`. A scheme the format cannot run (the complex step in
    float16) has no entry.
    """

    h: np.ndarray
    errors: dict[str, np.ndarray]
    best_h: dict[str, float]
    best_error: dict[str, float]
    exact: float
    eps: float = EPS  # the working format's machine epsilon

    @property
    def theory(self) -> dict[str, SchemeTheory]:
        return theory(self.eps)


def error_sweep(
    f: Callable,
    x0: float,
    exact: float,
    *,
    h_max: float = 1e-1,
    h_min: float = 1e-16,
    per_decade: int = 4,
    schemes: tuple[str, ...] = SCHEMES,
    dtype=None,
    eps: float = EPS,
) -> ErrorSweep:
    """Measure each scheme's error from ``h_max`` down to ``h_min``.

    Examples
    --------
    >>> import numpy as np
    >>> s = error_sweep(np.sin, 1.0, float(np.cos(1.0)))
    >>> 1e-9 < s.best_h["forward"] < 1e-7 and s.best_error["complex"] < 1e-15
    True
    """
    decades = np.log10(h_max) - np.log10(h_min)
    h = np.logspace(np.log10(h_max), np.log10(h_min), round(decades * per_decade) + 1)
    errors: dict[str, np.ndarray] = {}
    best_h: dict[str, float] = {}
    best_error: dict[str, float] = {}
    for scheme in schemes:
        with np.errstate(all="ignore"):
            err = np.abs(quotient(f, x0, h, scheme, dtype).astype(float) - exact)
        errors[scheme] = err
        finite = np.isfinite(err)
        if finite.any():
            k = int(np.argmin(np.where(finite, err, np.inf)))
            best_h[scheme], best_error[scheme] = float(h[k]), float(err[k])
    return ErrorSweep(
        h=h, errors=errors, best_h=best_h, best_error=best_error, exact=exact, eps=eps
    )


def book_steps(h0: float, steps: int, shrink: float) -> np.ndarray:
    """The steps the book's loop visits: ``h = h0``, then ``h *= 1/shrink`` (cumulatively).

    Cumulative multiplication reproduces the book's floats exactly
    (0.1, 0.010000000000000002, ...), which a fresh ``h0 * shrink**-k`` does not.
    """
    factor = 1 / shrink
    out = []
    h = float(h0)
    for _ in range(steps):
        out.append(h)
        h *= factor
    return np.array(out)
