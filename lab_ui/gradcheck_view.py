"""The gradients page's ``check`` view: a gradient check decided as torch.autograd.gradcheck does.

Formatting and widgets only: the check is :func:`calc_core.gradcheck.check`, run in
the worker pool; every sentence comes from the catalogs (``gradients.gradcheck.*``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from calc_core import gradcheck, gradients
from calc_core.backprop import torch_available
from calc_core.errors import InputError
from calc_core.gradcheck import ATOL, EPS, RTOL, GradCheck
from calc_core.guard import run_limited
from calc_core.precision import DTYPES
from lab_ui import gradients_view as view
from lab_ui import icons, notebooks
from lab_ui import url_state as us
from lab_ui.choices import choose
from lab_ui.i18n import t
from lab_ui.shell import compute, show_error

#: The view's own inputs (f, the point and n are the explore view's).
PARAMS = (
    us.Param("dtype", "float64", us.choice(DTYPES)),
    us.Param("h", EPS, us.number(gradcheck.H.low, gradcheck.H.high), us.fmt_number),
    us.Param("grad", "", us.text(400)),
)
#: Time limit of the optional torch witness (its first call imports PyTorch).
TORCH_TIMEOUT = 30.0
_MARK = {True: "✓", False: "✗", None: "—"}


def _set(key: str, value) -> None:
    st.session_state[key] = value


def num(value: float | None, digits: int = 8) -> str:
    return "—" if value is None else f"{value:.{digits}g}"


def inputs() -> None:
    """The format, the step and the gradient under test (f and the point come first)."""
    c1, c2 = st.columns(2)
    choose(
        c1.selectbox,
        t("field.dtype"),
        DTYPES,
        key="dtype",
        format_func=lambda name: t(f"precision.dtype.{name}"),
        help=t("gradients.gradcheck.dtype_help"),
    )
    low, high = gradcheck.H.low, gradcheck.H.high
    c2.number_input(t("gradients.gradcheck.h"), key="h", min_value=low, max_value=high, format="%g")
    st.text_input(
        t("gradients.gradcheck.grad"),
        key="grad",
        max_chars=400,
        placeholder=t("gradients.gradcheck.grad_placeholder"),
        help=t("gradients.gradcheck.grad_help"),
    )


def buttons(r: GradCheck) -> None:
    """One click to gradcheck's default h, to the suggested h, or to edit the exact gradient."""
    b1, b2, b3 = st.columns(3)
    b1.button(
        t("gradients.gradcheck.use_default", h=f"{EPS:g}"),
        on_click=_set,
        args=("h", EPS),
        key="gc_default",
    )
    b2.button(
        t("gradients.gradcheck.use_suggested", h=f"{r.suggested_h:.1e}"),
        on_click=_set,
        args=("h", float(f"{r.suggested_h:.1e}")),
        key="gc_suggested",
    )
    b3.button(
        t("gradients.gradcheck.edit_exact"),
        on_click=_set,
        args=("grad", f"{gradcheck.SEPARATOR} ".join(r.exact_text)),
        key="gc_exact",
    )


def table(r: GradCheck, torch_verdict: bool | None = None) -> pd.DataFrame:
    """One row per component: analytic, numeric, difference, tolerance and the verdict."""
    col = lambda key: t(f"gradients.gradcheck.col.{key}")  # noqa: E731
    return pd.DataFrame(
        {
            col("component"): [f"∂f/∂{c.name}" for c in r.components],
            col("source"): [
                t("gradients.gradcheck.edited" if c.edited else "gradients.gradcheck.exact")
                for c in r.components
            ],
            col("analytic"): [num(c.analytic) for c in r.components],
            col("numeric"): [num(c.numeric) for c in r.components],
            col("difference"): [num(c.difference, 3) for c in r.components],
            col("tolerance"): [num(c.tolerance, 3) for c in r.components],
            col("verdict"): [_MARK[c.passed] for c in r.components],
            col("truth"): [num(c.exact, 12) for c in r.components],
        }
    )


def verdict(r: GradCheck) -> None:
    failed = [f"∂f/∂{c.name}" for c in r.components if c.passed is False]
    if r.passed:
        st.success(t("gradients.gradcheck.pass", dtype=r.dtype, h=f"{r.h:g}"), icon=icons.OK)
    elif r.passed is False:
        st.error(
            t("gradients.gradcheck.fail", dtype=r.dtype, h=f"{r.h:g}", which=", ".join(failed)),
            icon=icons.WRONG,
        )
    else:
        st.warning(t("gradients.gradcheck.undecided"), icon=icons.UNDECIDED)


def steps_note(r: GradCheck) -> None:
    """Where the same check passes: gradcheck's default h, and the grid from 1 to 1e-12."""
    default = {True: "passes", False: "fails", None: "undecided"}[r.default_passed]
    parts = [t(f"gradients.gradcheck.default_{default}", dtype=r.dtype, h=f"{EPS:g}")]
    if r.passing_h:
        parts.append(
            t(
                "gradients.gradcheck.passing",
                low=f"{min(r.passing_h):.1e}",
                high=f"{max(r.passing_h):.1e}",
                k=len(r.passing_h),
                total=len(gradcheck.GRID),
                suggested=f"{r.suggested_h:.1e}",
            )
        )
    else:
        edited = any(c.edited for c in r.components)
        key = "none_passing_edited" if edited else "none_passing"
        parts.append(t(f"gradients.gradcheck.{key}", dtype=r.dtype, total=len(gradcheck.GRID)))
    st.info(" ".join(parts), icon=icons.INFO)


@st.cache_data(max_entries=64, show_spinner=False)
def _torch(*args) -> bool | None:
    return run_limited(gradcheck.torch_gradcheck, *args, timeout=TORCH_TIMEOUT)


def torch_witness(args: tuple) -> None:
    """PyTorch's own gradcheck on the same inputs, when PyTorch is installed."""
    if not torch_available():
        st.caption(t("gradients.gradcheck.torch_missing"))
        return
    with st.spinner(t("gradients.gradcheck.torch_wait")):
        try:
            result = _torch(*args)
        except InputError:
            result = None
    if result is None:
        st.caption(t("gradients.gradcheck.torch_failed"))
    else:
        st.caption(t("gradients.gradcheck.torch_" + ("pass" if result else "fail")))


def show() -> None:
    """The whole view: f, the point and n (as the explore view has them), then the check."""
    s = st.session_state
    view.example_picker()
    n = view.dimension(compute(gradients.dimension_of, s.f).value)  # before the point's box
    c1, c2, c3 = st.columns([3, 2, 1])
    c1.text_input(t("gradients.field_f"), key="f", max_chars=200, help=t("gradients.f_help"))
    c2.text_input(t("field.at"), key="at", max_chars=200, help=t("gradients.at_help"))
    view.n_box(c3, n)
    f_text, at_text = s.f, s.at
    st.markdown(t("gradients.gradcheck.intro", eps=f"{EPS:g}", atol=f"{ATOL:g}", rtol=f"{RTOL:g}"))
    st.latex(
        r"|\,\text{analytic}_i - \text{numeric}_i\,| \;\le\; \text{atol}"
        r" + \text{rtol}\cdot|\,\text{numeric}_i\,|,\qquad \text{numeric}_i = "
        r"\frac{f(x + h e_i) - f(x - h e_i)}{2h}"
    )
    inputs()
    args = (f_text, at_text, n, s.dtype, float(s.h), ATOL, RTOL, s.grad)
    out = compute(gradcheck.check, *args)
    if out.error:
        show_error(out.error, {"f": f_text, "at": at_text, "grad": s.grad})
        return
    r = out.value
    verdict(r)
    st.dataframe(table(r), hide_index=True, width="stretch")
    steps_note(r)
    buttons(r)
    point = ", ".join(f"{v:g}" for v in r.point)
    words = notebooks.words("gradcheck", f=f_text, point=point, dtype=r.dtype, h=f"{r.h:g}")
    words["dtype"] = t("export.gradcheck_no_code", dtype=r.dtype)
    notebooks.download(lambda: notebooks.gradcheck_cells(r, gradcheck.GRID, words), "gradcheck")
    torch_witness(args)
