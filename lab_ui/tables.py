"""Tables and short texts built from calc_core records (formatting only, no mathematics)."""

from __future__ import annotations

import math

import pandas as pd

from calc_core.derivative import PointDerivative
from calc_core.differences import SCHEMES, ErrorSweep
from calc_core.limits import LimitsResult
from lab_ui.i18n import t


def sci(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{digits}e}"


def num(value: float | None, digits: int = 6) -> str:
    """A number for people: ``0.312048``, ``1.5e-08``, ``—`` for none."""
    if value is None or math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{digits}g}"


def step(value: float, digits: int = 6) -> str:
    """A step h in scientific notation, exact to ``digits`` significant digits, no padding.

    >>> step(0.1), step(0.010000000000000002), step(0.0125), step(1e-05)
    ('1e-01', '1e-02', '1.25e-02', '1e-05')
    """
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"


def quotient_table(result: LimitsResult) -> pd.DataFrame:
    """The book's table (h and the quotient to 5 decimals), plus full digits and the error."""
    return pd.DataFrame(
        {
            t("limits.col.h_book"): [f"{r.h:.5f}" for r in result.rows],
            t("limits.col.h"): [step(r.h) for r in result.rows],
            t("limits.col.quotient_book"): [f"{r.quotient:.5f}" for r in result.rows],
            t("limits.col.quotient"): [r.quotient_text or repr(r.quotient) for r in result.rows],
            t("limits.col.error"): [sci(r.error) for r in result.rows],
        }
    )


def scheme_table(sweep: ErrorSweep) -> pd.DataFrame:
    """Measured best step and error per scheme next to what theory predicts for the format."""
    predicted = sweep.theory
    return pd.DataFrame(
        {
            t("limits.col.scheme"): [t(f"scheme.{s}") for s in SCHEMES],
            t("limits.col.order"): [f"h^{predicted[s].order}" for s in SCHEMES],
            t("limits.col.best_h"): [sci(sweep.best_h.get(s), 1) for s in SCHEMES],
            t("limits.col.best_error"): [sci(sweep.best_error.get(s), 1) for s in SCHEMES],
            t("limits.col.theory_h"): [
                t("limits.any_small_h") if s == "complex" else sci(predicted[s].best_h, 1)
                for s in SCHEMES
            ],
            t("limits.col.theory_error"): [sci(predicted[s].best_error, 1) for s in SCHEMES],
        }
    )


def explain_derivative(point: PointDerivative) -> str:
    """Why there is (or is no) derivative at x0, in the visitor's language."""
    x0 = f"{point.x0:g}"
    return t(
        f"derivative.{point.status}",
        x0=x0,
        left=num(point.left),
        right=num(point.right),
    )
