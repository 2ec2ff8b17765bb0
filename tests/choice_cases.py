"""Every widget with options on every page: a non-default option and its labels.

Shared by the AppTest suite (tests/app/test_choices.py) and the browser suite
(tests/browser/test_pages.py): each widget is chosen, the language switched, and the
choice must stay, shown under its label in the new language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lab_ui.charts.tangent import DEFAULT_STYLES
from lab_ui.i18n import catalog
from lab_ui.tangent_view import STYLES

EN, ZH = catalog("en"), catalog("zh")


@dataclass(frozen=True)
class Widget:
    """An option widget, a non-default option and the labels each language shows for it."""

    page: str
    key: str
    option: object
    en_label: str
    zh_label: str | None  # None: the widget leaves the screen with the language (editions)
    link: dict[str, str] = field(default_factory=dict)
    tick: str | None = None  # a checkbox that enables the widget
    opens: str | None = None  # the expander it sits in (its English label)
    kind: str = "select"  # "select", "radio" or "slider"


def _translated(page: str, key: str, option: str, label_key: str, **kw) -> Widget:
    return Widget(page, key, option, EN[label_key], ZH[label_key], **kw)


SETTINGS = EN["tangent.settings"]
WIDGETS = [
    _translated("limits", "scheme", "central", "scheme.central"),
    _translated("limits", "dtype", "bfloat16", "precision.dtype.bfloat16"),
    Widget("limits", "secant_h", 0.1, "0.1", "0.1", kind="slider"),
    _translated("tangent", "tangent_xscale", "log", "tangent.scale.log", opens=SETTINGS),
    _translated("tangent", "tangent_yscale", "log", "tangent.scale.log", opens=SETTINGS),
    Widget("tangent", "tangent_h", 0.1, "0.1", "0.1", tick="tangent_secant", kind="slider"),
    *(
        _translated(
            "tangent", f"tangent_style_{series}", style, f"tangent.style.{style}", opens=SETTINGS
        )
        for series, default in DEFAULT_STYLES.items()
        for style in [next(s for s in STYLES if s != default)]
    ),
    _translated("gradients", "view", "rules", "gradients.tab.rules", kind="radio"),
    _translated("gradients", "dtype", "float16", "precision.dtype.float16", link={"view": "check"}),
    Widget("gradients", "n", 3, "3", "3"),
    Widget("gradients", "plane", "2,3", "(x2, x3)", "(x2, x3)", {"f": "x1*x2*x3", "at": "1, 2, 3"}),
    _translated(
        "gradients", "rule", "frobenius", "gradients.rules.name.frobenius", link={"view": "rules"}
    ),
    _translated("chain-rule", "mode", "steps", "chain_rule.mode_steps", kind="radio"),
    _translated(
        "chain-rule", "ad", "forward", "chain_rule.ad_forward", link={"mode": "graph"}, kind="radio"
    ),
    Widget(
        "chain-rule",
        "wrt",
        "b",
        "b",
        "b",
        {"mode": "multi", "u": "x*y", "inner": "x=a+b; y=a*b"},
        kind="radio",
    ),
    Widget(
        "exercises",
        "choice_en_5_meaning",
        "flat_tangent",
        EN["exercises.items.stationary.parts.meaning.options.flat_tangent"],
        None,
        {"n": "5"},
        kind="radio",
    ),
    Widget("exercises", "dim_en_8", 3, "3", None, {"n": "8"}),
]
