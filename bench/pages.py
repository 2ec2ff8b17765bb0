"""The pages the bench reruns under AppTest (section 3 of ``python -m bench``).

Each entry is ``(name, page file relative to the repo root, widget key, values)``
(any input widget: text_input, text_area, selectbox, radio, select_slider, number_input):
the bench types each value into the widget once (filling the page's compute
caches), then cycles through them again and times every rerun. Those warm reruns
are what a student sees when flipping between inputs already tried. Give at least
two different values (a rerun only happens when the value changes) and keep them
ordinary: the point is the page's own overhead, not sympy's worst case.

Topics append their one line here when their page lands.
"""

from __future__ import annotations

#: (name, page file, widget key, alternative input values to cycle)
PAGES: list[tuple[str, str, str, list[str]]] = [
    ("limits", "pages/limits.py", "f", ["3x^2 - 4x", "sin(x)", "x^3 - 1/x", "exp(-x^2)"]),
    ("gradients", "pages/gradients.py", "f", ["3x1^2 + 5e^{x2}", "norm(x)", "x1^2 - x2^2"]),
    ("tangent", "pages/tangent.py", "x0", [1.0, 2.0, 0.5, 1.5]),  # sliding the tangent point
    ("exercises", "pages/exercises.py", "n", [6, 7, 9, 2]),  # switching exercises (ints: radio)
    ("chain-rule", "pages/chain-rule.py", "u", ["a*b + sin(a)", "exp(a - b)", "a^2 b"]),
]
