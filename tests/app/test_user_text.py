"""What a visitor typed is shown as text, never rendered as Markdown, HTML or TeX.

Error boxes repeat the input, and a shared link can put anything in an input: a
phishing link, an image every visitor's browser would fetch, a TeX box over the page.
Every error code is rendered here with hostile text in every parameter and in the
field, in both languages, and the Markdown is read back with a CommonMark parser (GFM
autolinks and ``$`` math on): the input may appear only inside code spans, verbatim,
and the box holds no link, image, HTML or math at all. ``tests/browser/test_user_text.py``
checks the same in Chromium, on Streamlit's own renderer.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from calc_core.errors import ERROR_CODES, InputError
from lab_ui.i18n import LANGUAGES, literal, t
from lab_ui.shell import error_markdown
from lab_ui.sitemap import TOPICS
from tests.app.conftest import ROOT, assert_no_exception, build

MARKDOWN = (
    MarkdownIt("commonmark", {"linkify": True})
    .enable(["linkify", "strikethrough", "table"])
    .use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
)
#: Token types that must never appear in an error box (the catalog uses none of them).
MARKUP = {
    "link_open",
    "image",
    "html_inline",
    "html_block",
    "math_inline",
    "math_inline_double",
    "math_block",
    "math_block_label",
    "heading_open",
    "fence",
    "code_block",
    "table_open",
    "blockquote_open",
    "bullet_list_open",
    "ordered_list_open",
}
MARKER = "QZV"  # in every hostile text, so that it can be found wherever it lands

HOSTILE = [
    "[x](https://example.invalid)",
    "![i](https://example.invalid/a.png)",
    r"$\rule{1000em}{1em}$",
    "$$x$$",
    "a`b``c",
    "`",
    "``x``",
    "<img src=https://example.invalid/b.png>",
    "<b>bold</b>",
    "https://example.invalid/auto",
    "www.example.invalid",
    "mail@example.invalid",
    "**bold** _it_ ~~s~~",
    "a\n\n# Heading\n![i](https://example.invalid/c.png)",
    "[x]\n\n[x]: https://example.invalid/ref",
    "<https://example.invalid/angle>",
    r"\$x\$ \[a](https://example.invalid/bs)",
    ":red[big] :smile:",
    "| a | b |\n|---|---|",
    "> quote\n- item\n1. item",
    "    indented code",
    "&lt;b&gt; &amp;",
    "中文“引号”$x$",
]


def _tokens(markdown: str):
    for block in MARKDOWN.parse(markdown):
        yield block
        yield from block.children or []


def assert_shown_as_text(markdown: str, hostile: str) -> None:
    """``hostile`` appears only inside code spans, verbatim; the box has no markup."""
    kinds = {token.type for token in _tokens(markdown)}
    assert not kinds & MARKUP, (kinds & MARKUP, markdown)
    spans = [tok.content for tok in _tokens(markdown) if tok.type == "code_inline"]
    outside = [
        tok.content + " ".join(str(v) for v in tok.attrs.values())
        for tok in _tokens(markdown)
        if tok.type not in ("code_inline", "inline")
    ]
    assert not any(MARKER in text for text in outside), markdown
    shown = " ".join(hostile.splitlines())
    assert any(shown.strip() in span for span in spans), (shown, spans)


def _hostile_error(code: str, text: str) -> InputError:
    params = dict.fromkeys(ERROR_CODES[code], text)
    return InputError(code, f"{text} (English)", column=3, field=text, **params)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_error_code_shows_hostile_text_as_text(code, lang):
    for hostile in HOSTILE:
        text = f"{MARKER}{hostile}{MARKER}"
        assert_shown_as_text(error_markdown(_hostile_error(code, text), lang), text)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_a_known_field_is_labelled_in_bold(lang):
    hostile = f"{MARKER}[x](https://e.invalid)"
    err = InputError("unknown_name", "x", field="f", name=hostile, suggestion="x*y")
    markdown = error_markdown(err, lang)
    assert markdown.startswith(f"**{t('field.f', lang)}** — ")
    assert_shown_as_text(markdown, hostile)


def test_a_message_without_a_translation_is_shown_as_text():
    err = InputError("no_such_code", f"{MARKER}[x](https://example.invalid)")
    assert_shown_as_text(error_markdown(err, "en"), err.message)


hostile_texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("[]()!$`\\<>*_~#:|&;/.@-+=^{}\"' \n\r\t")),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(hostile=hostile_texts, code=st.sampled_from(sorted(ERROR_CODES)))
def test_generated_hostile_text_is_shown_as_text_in_every_message(hostile, code):
    text = f"{MARKER}{hostile}{MARKER}"
    for lang in LANGUAGES:
        assert_shown_as_text(error_markdown(_hostile_error(code, text), lang), text)


@settings(max_examples=150, deadline=None)
@given(hostile=hostile_texts)
def test_literal_keeps_every_character_but_line_breaks(hostile):
    text = f"{MARKER}{hostile}{MARKER}"
    assert_shown_as_text(f"Before {literal(text)} after.", text)


def test_numbers_stay_plain():
    assert [literal(v) for v in (200, 0.5, "-1.5e-300", "10^-50")] == [
        "200",
        "0.5",
        "-1.5e-300",
        "10^-50",
    ]
    assert literal("1.") == "`1.`"  # "1. is not a number" would start a list


# ----------------------------------------------------------------------------- pages

LINK = "[x](https://example.invalid)"


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("chain-rule", {"mode": "multi", "u": "x", "inner": f"{LINK} = a", "at": "a=1"}),
        ("chain-rule", {"mode": "multi", "u": "x", "inner": "x = a", "at": f"{LINK}=1"}),
        ("gradients", {"f": "x1^2", "at": f"1, {LINK}", "n": "2"}),
    ],
    ids=["chain-rule inner", "chain-rule at", "gradients at"],
)
def test_a_shared_link_puts_no_link_in_the_error_box(page, query):
    """The cases confirmed in Chromium before the fix (issue 11), through the real pages."""
    path = next(path for slug, path, *_ in TOPICS if slug == page)
    at = build(ROOT / path, lang="en", **query).run()
    assert_no_exception(at)
    boxes = [el.value for el in at.error]
    assert len(boxes) == 1, boxes
    kinds = {token.type for token in _tokens(boxes[0])}
    assert not kinds & MARKUP, (kinds, boxes[0])
    spans = [tok.content for tok in _tokens(boxes[0]) if tok.type == "code_inline"]
    assert LINK in spans, boxes[0]  # the input is echoed, as text
