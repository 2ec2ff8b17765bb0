"""What the limits page says about its working format: ε, the collapse step, the best h.

Formatting only: every number comes from :class:`calc_core.limits.PrecisionFacts`,
measured in the core; every sentence from the catalogs (``limits.precision.*``).
"""

from __future__ import annotations

import streamlit as st

from calc_core.limits import GRADCHECK_EPS, LimitsResult
from calc_core.precision import DTYPES
from lab_ui import icons
from lab_ui.choices import choose
from lab_ui.i18n import t
from lab_ui.tables import sci


def dtype_label(name: str) -> str:
    """The format's name with its width, in the visitor's language."""
    return t(f"precision.dtype.{name}")


def dtype_box(where) -> None:
    """The format's select box (stable values, translated labels: see lab_ui.choices)."""
    choose(
        where.selectbox,
        t("field.dtype"),
        DTYPES,
        key="dtype",
        format_func=dtype_label,
        help=t("field.dtype_help"),
    )


def show(r: LimitsResult) -> None:
    """The format's own numbers at x0, and the advice for gradient checks."""
    facts = r.precision
    if facts is None:
        return
    best = r.sweep.best_h if r.sweep is not None else {}
    st.markdown(
        t(
            "limits.precision.facts" if facts.collapse_h else "limits.precision.facts_zero",
            dtype=facts.dtype,
            eps=sci(facts.eps),
            x0=f"{r.x0:g}",
            stored=repr(facts.x0_stored),
            collapse=sci(facts.collapse_h),
            forward_h=sci(facts.forward_h, 1),
            central_h=sci(facts.central_h, 1),
            forward_best=sci(best.get("forward"), 1),
            central_best=sci(best.get("central"), 1),
        )
    )
    advice = facts.advice
    if advice is not None:
        key = "advice" if advice.formats_differ else "advice_same"
        st.success(
            t(
                f"limits.precision.{key}",
                dtype=advice.dtype,
                default=f"{GRADCHECK_EPS:g}",
                at_default=sci(advice.error_at_default, 1),
                at_default_64=sci(advice.error_64_at_default, 1),
                h=sci(advice.suggested_h, 1),
                at_h=sci(advice.error_at_suggested, 1),
            ),
            icon=icons.INFO,
        )


__all__ = ["DTYPES", "dtype_label", "show"]
