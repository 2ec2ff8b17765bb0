"""The home page's cards: section 2.4's map in the book's order, and both exercise lists.

Each topic card opens its page with the book's own example in the link; its preview
is a small static picture (``lab_ui/previews/<slug>.png``, written by
``python -m tools.screenshots`` from that very link), so the home page's first paint
costs no computation and no chart library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from calc_core.exercises import EDITIONS
from lab_ui.i18n import t
from lab_ui.links import page_link

PREVIEWS = Path(__file__).parent / "previews"


@dataclass(frozen=True)
class Card:
    """One topic of the section: its page, the book's example as a query, the nav key."""

    slug: str
    nav_key: str
    query: tuple[tuple[str, str], ...]
    #: what the preview pictures on the page the link opens (a CSS selector)
    shows: str = '[data-testid="stVegaLiteChart"]'

    @property
    def preview(self) -> Path:
        return PREVIEWS / f"{self.slug}.png"

    @property
    def text_key(self) -> str:
        return f"home.card.{self.slug.replace('-', '_')}"


#: The section's topics in the book's order, each with the book's example.
CARDS = (
    Card("limits", "nav.limits", (("f", "3x^2 - 4x"), ("x0", "1"))),
    Card(
        "tangent",
        "nav.tangent",
        (("f", "3x^2 - 4x"), ("x0", "1"), ("xmin", "0"), ("xmax", "3")),
    ),
    Card("gradients", "nav.gradients", (("f", "3x1^2 + 5e^{x2}"), ("at", "1, 0"))),
    Card(
        "chain-rule",
        "nav.chain_rule",
        (
            ("mode", "multi"),
            ("u", "x*y + sin(z)"),
            ("inner", "x=a+b; y=a*b; z=b^2"),
            ("at", "a=0.5, b=1.5"),
        ),
        shows='[data-testid="stGraphVizChart"]',
    ),
)


def topic_card(card: Card) -> None:
    """Section number and name, one sentence, the preview, the link with the example."""
    st.markdown(f"**{t(card.text_key + '.section')} · {t(card.nav_key)}**")
    st.caption(t(card.text_key + ".about"))
    if card.preview.is_file():
        st.image(str(card.preview), alt=t(card.text_key + ".alt"))
    label = t(card.text_key + ".link")
    page_link(card.slug, dict(card.query), label, icon=":material/arrow_forward:")


def exercise_list(edition: str, lang: str) -> None:
    """The edition's exercises, each a link that opens it on the exercises page."""
    st.markdown(f"**{t(f'exercises.edition.{edition}')}**")
    other = "0" if edition == lang else "1"
    for n, item in enumerate(EDITIONS[edition], start=1):
        title = t(".".join(("exercises.items", item, "title")))
        query = {"n": str(n), "other": other}
        page_link("exercises", query, f"{n}. {title}", icon=":material/edit_note:")
