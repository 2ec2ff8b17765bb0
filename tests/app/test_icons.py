"""Status icons are Streamlit's Material icons: no emoji anywhere in the interface.

Without an emoji font (many school machines, every fresh server) Chromium draws an
emoji as an empty box, so a tick in the exercise checklist or a warning's icon would
say nothing. Material icons (``:material/check_circle:``) come with Streamlit's font.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from lab_ui import icons
from tests.app.conftest import assert_no_exception, through_entry

ROOT = Path(__file__).resolve().parents[2]
#: Everything a visitor's browser is sent text from.
INTERFACE = [
    ROOT / "dashboard.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "lab_ui").rglob("*.py")),
    *sorted((ROOT / "lab_ui" / "locales").rglob("*.toml")),
]
#: Characters drawn as emoji by default (Unicode's Emoji_Presentation): the pictographs
#: from U+1F000 on, and these in the Basic Multilingual Plane.
BMP_EMOJI = set(
    "⌚⌛⏩⏪⏫⏬⏰⏳◽◾☔☕♈♉♊♋♌♍♎♏♐♑♒♓♿⚓⚡⚪⚫⚽⚾⛄⛅⛎⛔⛪⛲⛳⛵⛺⛽"
    "✅✊✋✨❌❎❓❔❕❗➕➖➗➰➿⬛⬜⭐⭕"
)
VARIATION_EMOJI = "\ufe0f"  # asks for the emoji form of the character before it (⚠️)


def emoji_in(text: str) -> list[str]:
    """The emoji in ``text``: pictographs, emoji-presentation characters, and any
    character followed by the emoji variation selector."""
    found = [c for c in text if ord(c) >= 0x1F000 or c in BMP_EMOJI]
    found += [m.group(0) for m in re.finditer(f".{VARIATION_EMOJI}", text)]
    return found


@given(
    st.sampled_from(sorted(BMP_EMOJI)) | st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
)
def test_the_detector_finds_every_emoji_among_text(emoji):
    assert emoji_in(f"x² ∂f/∂x ✓ 练习 {emoji} ok") == [emoji]


@given(st.text(st.characters(max_codepoint=0x1EFFF, exclude_characters=BMP_EMOJI | {"\ufe0f"})))
def test_the_detector_leaves_text_alone(text):
    assert emoji_in(text) == []


def test_no_emoji_in_the_interface_sources():
    found = {
        str(path.relative_to(ROOT)): emoji
        for path in INTERFACE
        if (emoji := emoji_in(path.read_text(encoding="utf-8")))
    }
    assert not found, found


def test_every_icon_is_a_material_symbol():
    names = [v for k, v in vars(icons).items() if k.isupper()]
    assert names and all(re.fullmatch(r":material/[a-z_]+:", v) for v in names), names


def test_the_exercise_checklist_ticks_with_material_icons():
    at = through_entry("exercises", lang="zh", n="1").run()
    assert_no_exception(at)
    options = list(at.radio(key="n").options)
    assert options and all(o.startswith(icons.TODO + " ") for o in options), options


def test_alerts_carry_material_icons():
    at = through_entry("limits", lang="en", f="abs(x)", x0="0").run()
    assert_no_exception(at)
    shown = [*at.warning, *at.info]
    assert shown and all(a.icon.startswith(":material/") for a in shown), [a.icon for a in shown]
