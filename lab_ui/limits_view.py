"""Texts of the limits page built from its :class:`calc_core.limits.LimitsResult`."""

from __future__ import annotations

import streamlit as st

from calc_core.limits import LimitsResult
from lab_ui import notebooks
from lab_ui.i18n import t
from lab_ui.shell import book_code_expander


def collapse_message(r: LimitsResult, charted: bool) -> str:
    """What happens to the selected scheme's quotient at a tiny h, and the lesson of it.

    It names the scheme the visitor chose (its quotient was computed at that h), says
    why the quotient is exactly 0 where the working format (float64, float32, ...)
    loses the step, and points at the error chart only when the page draws one
    (``charted``).
    """
    lesson = t("limits.lesson.complex" if r.scheme == "complex" else "limits.lesson.difference")
    return t(
        "limits.collapse",
        h=f"{r.tiny_h:.0e}",
        quotient=t(f"limits.quotient.{r.scheme}"),
        q=repr(r.tiny_h_quotient),
        absorbed=t(f"limits.absorbed.{r.scheme}", dtype=r.dtype) if r.tiny_h_absorbed else "",
        lesson=lesson + (t("limits.chart_lesson") if charted else ""),
    )


def show_book(r: LimitsResult, scheme_label: str) -> None:
    """The book's cell for these inputs and what it prints (in the page's format where f
    has numpy code that computes as the page does), and the page as a notebook."""
    if (book := book_code_expander()) is not None:
        with book:
            if r.book_dtype != r.dtype:
                st.caption(t("limits.book_float64", dtype=r.dtype))
            st.code(r.book_code, language="python")
            st.caption(t("shell.book_output"))
            st.code("\n".join(r.book_output), language="text")
    words = notebooks.words("limits", f=r.f_text, x0=f"{r.x0:g}", scheme=scheme_label)
    words["dtype"] = t("export.limits_dtype", dtype=r.dtype)
    notebooks.download(lambda: notebooks.limits_cells(r, words), "limits")
