"""Texts of the limits page built from its :class:`calc_core.limits.LimitsResult`."""

from __future__ import annotations

from calc_core.limits import LimitsResult
from lab_ui.i18n import t


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
