"""Tables and short texts built from calc_core records (formatting only, no mathematics)."""

from __future__ import annotations

import html
import math

import pandas as pd
import streamlit as st

from calc_core.derivative import PointDerivative
from calc_core.differences import SCHEMES, ErrorSweep
from calc_core.limits import LimitsResult
from lab_ui.i18n import t

#: The look of :func:`show`'s tables: the light theme's lines, the app's font, digits aligned.
_STYLE = (
    "<style>.calclab-table{overflow-x:auto;margin-bottom:1rem}"
    ".calclab-table table{border-collapse:collapse;width:100%;font-size:0.875rem;"
    "font-variant-numeric:tabular-nums}"
    ".calclab-table th,.calclab-table td{border:1px solid rgba(49,51,63,0.2);"
    "padding:0.25rem 0.5rem;text-align:left;white-space:nowrap}"
    ".calclab-table th{font-weight:600;background:rgba(49,51,63,0.04)}</style>"
)


def table_html(frame: pd.DataFrame, label: str) -> str:
    """A small table as HTML: every header and cell escaped, so text stays text.

    >>> body = table_html(pd.DataFrame({"h": ["1e-01"], "q": ["$x$ <b>[a](b)</b>"]}), "t")
    >>> body.split("<tbody>")[1]
    '<tr><td>1e-01</td><td>$x$ &lt;b&gt;[a](b)&lt;/b&gt;</td></tr></tbody></table></div>'
    """
    cell = lambda tag, v: f"<{tag}>{html.escape(str(v))}</{tag}>"  # noqa: E731
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(cell("td", v) for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f'{_STYLE}<div class="calclab-table" role="region" tabindex="0" '
        f'aria-label="{html.escape(label)}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def show(frame: pd.DataFrame, label: str) -> None:
    """Draw a small table that needs no sorting or scrolling as plain HTML.

    ``st.dataframe`` makes the browser load its grid (about 1.2 MB of JavaScript) before
    the page settles, and the page's first chart waited for it (``python -m
    bench.first_paint``); ``st.table`` still loads 0.7 MB for Arrow formatting. Here the
    cells go through ``st.html``: no Markdown, no TeX, escaped. ``label`` names the table
    for screen readers (its region scrolls sideways on a phone).
    """
    st.html(table_html(frame, label))


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
