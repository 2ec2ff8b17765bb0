"""The tangent page's widgets and texts: presets, the x0 slider, plot settings, notes.

Formatting only: every number shown here comes from a :mod:`calc_core.tangent`
record. Widget keys other than the URL parameters (``f``, ``x0``, ``xmin``,
``xmax``) start with ``tangent_`` so they never collide with another page's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from calc_core.sampling import label
from calc_core.tangent import Curves, TangentResult, book_code, line_python, line_samples, nice_step
from lab_ui import icons, notebooks
from lab_ui.charts import DASHES
from lab_ui.charts.tangent import DEFAULT_STYLES, SERIES, Axes, Marks, Series, table
from lab_ui.choices import choose
from lab_ui.i18n import t
from lab_ui.widget_state import hold

#: name -> (f, x0, xmin, xmax): the chapter's plot, the exercise, and things going wrong.
PRESETS = {
    "chapter": ("3x^2 - 4x", 1.0, 0.0, 3.0),
    "exercise": ("x^3 - 1/x", 1.0, 0.0, 3.0),
    "kink": ("|x|", 0.0, -2.0, 2.0),
    "vertical": ("sqrt(x)", 0.0, -1.0, 4.0),
    "pole": ("1/x", 0.0, -3.0, 3.0),
    "periodic": ("tan(x)", 0.5, -5.0, 5.0),
}
SECANT_STEPS = [1.0, 0.5, 0.2, 0.1, 0.05, 0.01]
STYLES = tuple(DASHES)
SCALES = ("linear", "log")
SLIDER = "tangent_x0_slider"
#: At most this many points are named in one note.
LISTED = 6


def _apply_preset() -> None:
    s = st.session_state
    name = s.get("tangent_preset")
    if name in PRESETS:
        s.f, s.x0, s.xmin, s.xmax = PRESETS[name]
    s.tangent_preset = ""


def preset_picker() -> None:
    """The "book presets" select box; choosing one fills f, x0 and the interval."""
    choose(
        st.selectbox,
        t("tangent.preset"),
        ["", *PRESETS],
        key="tangent_preset",
        format_func=lambda k: t(f"tangent.preset_name.{k}") if k else t("tangent.preset_none"),
        on_change=_apply_preset,
        help=t("tangent.preset_help"),
    )


def _slid(decimals: int) -> None:
    # round away the slider's float noise (-1 + 223 * 0.01 = 1.2300000000000002), so the
    # link reads x0=1.23 and the tangent's coefficients stay exact
    st.session_state.x0 = round(float(st.session_state[SLIDER]), decimals)


def x0_slider() -> None:
    """A slider over [xmin, xmax] that moves x0; the ``x0`` number input stays the truth."""
    s = st.session_state
    lo, hi = float(s.xmin), float(s.xmax)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        return  # the interval's own error is shown below
    step = nice_step((hi - lo) / 300)
    decimals = max(0, -math.floor(math.log10(step)))
    s[SLIDER] = min(max(float(s.x0), lo), hi)
    st.slider(
        t("tangent.slider"),
        min_value=lo,
        max_value=hi,
        step=step,
        format=f"%.{decimals}f",
        key=SLIDER,
        on_change=_slid,
        args=(decimals,),
        help=t("tangent.slider_help"),
    )


@dataclass(frozen=True)
class Extras:
    """Optional curves: f', f'' and the secant for step h (0: none)."""

    d1: bool
    d2: bool
    secant_h: float


def extras() -> Extras:
    hold("tangent_secant")  # choosing a step ticks it (a callback): send it every run
    c1, c2 = st.columns(2)  # two by two: the controls' column is narrow
    d1 = c1.checkbox(t("tangent.show_d1"), key="tangent_d1")
    d2 = c2.checkbox(t("tangent.show_d2"), key="tangent_d2")
    c3, c4 = st.columns(2)
    secant = c3.checkbox(t("tangent.show_secant"), key="tangent_secant")
    # Never disabled (a disabled widget's faded label is unreadable, axe: color-contrast):
    # choosing a step shows the secant it defines.
    h = choose(
        c4.select_slider,
        t("tangent.secant_h"),
        SECANT_STEPS,
        key="tangent_h",
        default=0.5,
        on_change=_show_secant,
    )
    return Extras(d1, d2, float(h) if secant else 0.0)


def _show_secant() -> None:
    st.session_state["tangent_secant"] = True


@dataclass(frozen=True)
class Settings:
    """The book's ``plot()`` options as the visitor set them."""

    xlabel: str = "x"
    ylabel: str = "f(x)"
    ylim: tuple[float, float] | None = None
    xscale: str = "linear"
    yscale: str = "linear"
    legend: bool = True
    grid: bool = True
    styles: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STYLES))


def plot_settings() -> Settings:
    """The expander with the book's plot()/set_axes() options."""
    with st.expander(t("tangent.settings")):
        c1, c2, c3, c4 = st.columns(4)
        xlabel = c1.text_input(t("tangent.xlabel"), "x", max_chars=40, key="tangent_xlabel")
        ylabel = c2.text_input(t("tangent.ylabel"), "f(x)", max_chars=40, key="tangent_ylabel")
        ymin = c3.number_input(t("tangent.ymin"), value=None, format="%g", key="tangent_ymin")
        ymax = c4.number_input(t("tangent.ymax"), value=None, format="%g", key="tangent_ymax")
        c1, c2, c3, c4 = st.columns(4)
        scale = {"format_func": lambda v: t(f"tangent.scale.{v}")}
        xscale = choose(c1.selectbox, t("tangent.xscale"), SCALES, key="tangent_xscale", **scale)
        yscale = choose(c2.selectbox, t("tangent.yscale"), SCALES, key="tangent_yscale", **scale)
        legend = c3.toggle(t("tangent.legend"), value=True, key="tangent_legend")
        grid = c4.toggle(t("tangent.grid"), value=True, key="tangent_grid")
        st.caption(t("tangent.styles"))
        styles = {}
        for column, key in zip(st.columns(len(SERIES)), SERIES, strict=True):
            styles[key] = choose(
                column.selectbox,
                _series_name(key, "x₀", "h"),
                STYLES,
                key=f"tangent_style_{key}",
                default=DEFAULT_STYLES[key],
                format_func=lambda v: t(f"tangent.style.{v}"),
            )
    ylim = None
    if ymin is not None and ymax is not None:
        if ymin < ymax:
            ylim = (float(ymin), float(ymax))
        else:
            st.warning(t("tangent.ylim_bad"), icon=icons.WARNING)
    return Settings(xlabel, ylabel, ylim, xscale, yscale, legend, grid, styles)


# ----------------------------------------------------------------------------- texts


def number(value: float | None) -> str:
    """A slope or value as text: ``2``, ``-0.5``, ``∞``, ``−∞``, ``—`` when there is none."""
    if value is None or math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.6g}"


def _series_name(key: str, x0: str, h: str, lang: str | None = None) -> str:
    return t(f"tangent.series.{key}", lang, x0=x0, h=h)


def _listing(labels: Sequence[str], sep: str = ", ") -> str:
    shown = sep.join(labels[:LISTED])
    if len(labels) > LISTED:
        return t("tangent.more", shown=shown, count=len(labels) - LISTED)
    return shown


def show_summary(cur: Curves, res: TangentResult | None, ex: Extras) -> None:
    """f, the tangent's equation with f(x0) and f'(x0), or why there is no tangent."""
    st.latex(rf"f(x) = {cur.f_latex}")
    derivatives = (
        (ex.d1, "f'", cur.d1_latex, cur.d1, "d1"),
        (ex.d2, "f''", cur.d2_latex, cur.d2, "d2"),
    )
    for on, name, tex, sample, key in derivatives:
        if on and tex:
            st.latex(rf"{name}(x) = {tex}")
        if on and sample is None:
            st.caption(t("tangent.note.no_derivative", name=_series_name(key, "", "")))
    if res is None:
        return
    line, x0 = res.line, res.x0_label
    if line.exists:
        st.latex(line.equation_latex)
        st.latex(rf"f({x0}) = {line.f0_latex}, \qquad f'({x0}) = {line.slope_latex}")
    else:
        left, right = number(line.left), number(line.right)
        st.warning(
            t(f"tangent.none.{line.status}", x0=x0, left=left, right=right), icon=icons.WARNING
        )
    sec = res.secant
    if sec is not None and sec.slope is not None:
        st.caption(t("tangent.secant_slope", x1=number(sec.x1), slope=number(sec.slope)))
    elif sec is not None:
        st.caption(t("tangent.secant_undefined", h=number(sec.h), x1=number(sec.x1)))


# ----------------------------------------------------------------------------- the chart's inputs


def _log_ready(series: list[Series], xscale: str, yscale: str, notes: list[str]):
    """Drop what a log axis cannot show (x <= 0 rows, y <= 0 values), saying so."""
    out = []
    dropped = 0
    for s in series:
        x, y = s.x, s.y
        if xscale == "log":
            keep = x > 0
            x, y = x[keep], y[keep]
        if yscale == "log":
            bad = np.isfinite(y) & (y <= 0)
            dropped += int(bad.sum())
            y = np.where(bad, np.nan, y)
        out.append(Series(s.key, s.name, x, y, s.style))
    if dropped:
        notes.append(t("tangent.note.log_y", count=dropped))
    return out


def _auto_ylim(cur: Curves, res, ex: Extras, series: list[Series], yscale: str):
    lo, hi = cur.f.y_range  # the view follows f; f' and f'' only widen it moderately
    for sample, on in ((cur.d1, ex.d1), (cur.d2, ex.d2)):
        if on and sample is not None:
            wider = min(lo, sample.y_range[0]), max(hi, sample.y_range[1])
            if wider[1] - wider[0] <= 3 * (hi - lo):
                lo, hi = wider
    if res is not None and res.line.f0 is not None:  # the tangent point, not on the edge
        pad = 0.08 * (hi - lo)
        lo, hi = min(lo, res.line.f0 - pad), max(hi, res.line.f0 + pad)
    if yscale == "log" and lo <= 0:
        ys = np.concatenate([s.y for s in series if s.key in ("f", "d1", "d2")] or [np.empty(0)])
        positive = ys[np.isfinite(ys) & (ys > 0)]
        lo = float(np.percentile(positive, 2)) if positive.size else 1e-3
        hi = max(hi, 10 * lo)
    return lo, hi


def build(cur: Curves, res: TangentResult | None, ex: Extras, settings: Settings):
    """The chart's series, marks and axes, and the notes to print under it."""
    notes: list[str] = []
    xscale = settings.xscale
    if xscale == "log" and cur.xmax <= 0:
        notes.append(t("tangent.note.log_x_impossible"))
        xscale = "linear"
    elif xscale == "log" and cur.xmin <= 0:
        notes.append(t("tangent.note.log_x"))
    log_x = xscale == "log"
    styles = settings.styles
    series = [Series("f", _series_name("f", "", ""), cur.f.x, cur.f.y, styles["f"])]
    line = res.line if res is not None else None
    if line is not None and line.exists:
        x, y = line_samples(line.slope, line.intercept, cur.xmin, cur.xmax, log_x=log_x)
        name = _series_name("tangent", res.x0_label, "")
        series.append(Series("tangent", name, x, y, styles["tangent"]))
    for key, sample, on in (("d1", cur.d1, ex.d1), ("d2", cur.d2, ex.d2)):
        if on and sample is not None:
            series.append(Series(key, _series_name(key, "", ""), sample.x, sample.y, styles[key]))
    sec = res.secant if res is not None else None
    if sec is not None and sec.slope is not None:
        x, y = line_samples(sec.slope, sec.intercept, cur.xmin, cur.xmax, log_x=log_x)
        name = _series_name("secant", "", f"{sec.h:g}")
        series.append(Series("secant", name, x, y, styles["secant"]))
    series = _log_ready(series, xscale, settings.yscale, notes)
    ylim = settings.ylim or _auto_ylim(cur, res, ex, series, settings.yscale)
    if settings.yscale == "log" and ylim[0] <= 0:
        if settings.ylim:
            notes.append(t("tangent.note.ylim_log"))
        ylim = _auto_ylim(cur, res, ex, series, "log")
    xlo = cur.xmin
    if log_x and xlo <= 0:
        xlo = min((float(s.x[0]) for s in series if s.x.size), default=cur.xmax / 10)
    axes = Axes(
        settings.xlabel,
        settings.ylabel,
        (xlo, cur.xmax),
        ylim,
        xscale,
        settings.yscale,
        settings.legend,
        settings.grid,
    )
    marks = _marks(cur, res, sec, axes)
    notes = _singular_notes(cur) + notes
    return series, marks, axes, notes


def _visible(x: float, y: float | None, axes: Axes) -> bool:
    if axes.xscale == "log" and x <= 0:
        return False
    return not (axes.yscale == "log" and y is not None and y <= 0)


def _marks(cur: Curves, res, sec, axes: Axes) -> Marks:
    poles = [s for s in cur.f.singular if s.kind == "pole" and _visible(s.x, None, axes)]
    holes = [s for s in cur.f.singular if s.kind == "hole" and s.limit is not None]
    asymptote, hole = t("tangent.series.asymptote"), t("tangent.series.hole")
    points = []
    if res is not None and res.line.f0 is not None:
        points.append((res.x0, res.line.f0, t("tangent.series.point")))
    if sec is not None and sec.f1 is not None:
        points.append((sec.x1, sec.f1, t("tangent.series.secant_point")))
    return Marks(
        asymptotes=[(s.x, f"{asymptote}: x = {s.label}") for s in poles],
        holes=[
            (s.x, s.limit, f"{hole}: x = {s.label}") for s in holes if _visible(s.x, s.limit, axes)
        ],
        points=[p for p in points if _visible(p[0], p[1], axes)],
    )


def _singular_notes(cur: Curves) -> list[str]:
    sample, width = cur.f, cur.xmax - cur.xmin
    notes = []
    undefined = [s.label for s in sample.singular if not s.defined]
    if undefined:
        notes.append(t("tangent.note.undefined_at", points=_listing(undefined)))
    for kind, key in (("pole", "asymptotes"), ("hole", "holes"), ("jump", "jumps")):
        labels = [s.label for s in sample.singular if s.kind == kind]
        if labels:
            notes.append(t(f"tangent.note.{key}", points=_listing(labels)))
    if sample.gaps:
        spans = [
            t("tangent.note.interval", a=label(a, None, width), b=label(b, None, width))
            for a, b in sample.gaps
        ]
        notes.append(t("tangent.note.gaps", intervals=_listing(spans, "; ")))
    if sample.crowded:
        notes.append(t("tangent.note.crowded"))
    if cur.principal_root:
        notes.append(t("tangent.note.principal_root"))
    return notes


def show_notes(notes: Sequence[str]) -> None:
    for note in notes:
        st.caption(note)


#: The chart toolbar appears when a mouse hovers the chart: on a touch screen (a phone,
#: a tablet) the hint about it is left out.
MOUSE_ONLY = (
    "<style>@media (hover: none), (max-width: 640px)"
    " { .st-key-tangent_export_hint { display: none; } }</style>"
)


def download(series: Sequence[Series]) -> None:
    """The plotted table as CSV (built only when the button is pressed), and how to export."""
    st.html(MOUSE_ONLY)
    with st.container(key="tangent_export_hint"):
        st.caption(t("tangent.export_hint"))
    headers = [t(f"tangent.csv.{k}") for k in ("series", "x", "y")]
    st.download_button(
        t("tangent.download"),
        data=lambda: table(series, headers).to_csv(index=False),
        file_name="tangent.csv",
        mime="text/csv",
        on_click="ignore",
        help=t("tangent.download_help"),
        icon=":material/download:",
    )


def notebook_download(cur: Curves, res, series: Sequence[Series], settings: Settings) -> None:
    """The view as a notebook: the book's cell, and the tangent's slope checked numerically."""
    code = book_cell(cur, res, series, settings)
    ok = res is not None and res.line.status == "ok"
    x0 = float(st.session_state["x0"])
    words = notebooks.words("tangent", f=st.session_state["f"], x0=f"{x0:g}")
    slope = res.line.slope if ok else None
    notebooks.download(
        lambda: notebooks.tangent_cells(code, cur.f_def, x0, slope, words), "tangent"
    )


def show_book_code(cur: Curves, res, series: Sequence[Series], settings: Settings) -> None:
    """The book's ``d2l.plot(...)`` cell for what the chart shows, and what it misses."""
    st.code(book_cell(cur, res, series, settings), language="python")
    st.caption(t("tangent.book_note"))
    if cur.book_hits:
        start, stop, step = (f"{v:g}" for v in (cur.xmin, cur.xmax, cur.book_step))
        points = _listing([f"{v:.6g}" if abs(v) > 1e-12 else "0" for v in cur.book_hits])
        st.info(
            t("tangent.book_hits", start=start, stop=stop, step=step, points=points),
            icon=icons.IDEA,
        )


def book_cell(cur: Curves, res, series: Sequence[Series], settings: Settings) -> str:
    """The book's ``d2l.plot(...)`` cell for what the chart shows (legend texts in English)."""
    rows = []
    for s in series:
        if s.key == "f":
            rows.append(("f(x)", _series_name("f", "", "", "en"), s.fmt))
        elif s.key == "tangent":
            rows.append((res.line.python, _series_name("tangent", res.x0_label, "", "en"), s.fmt))
        elif s.key in ("d1", "d2"):
            code = cur.d1_python if s.key == "d1" else cur.d2_python
            if code:
                name = _series_name(s.key, "", "", "en").replace("″", "''").replace("′", "'")
                rows.append((code, name, s.fmt))
        else:
            sec = res.secant
            code = line_python(sec.slope, sec.intercept)
            rows.append((code, _series_name("secant", "", f"{sec.h:g}", "en"), s.fmt))
    return book_code(
        cur,
        rows,
        xlabel=settings.xlabel,
        ylabel=settings.ylabel,
        legend=settings.legend,
        ylim=settings.ylim,
        xscale=settings.xscale,
        yscale=settings.yscale,
        grid=settings.grid,
    )
