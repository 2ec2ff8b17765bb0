"""Translations: one plain catalog per language, split by topic (``locales/<lang>/*.toml``).

Every user-facing string is looked up by key with :func:`t`; messages use
``str.format`` fields (``{name}``). Error messages from :mod:`calc_core` are
translated by their ``code`` under the ``error.`` prefix. The Chinese catalog uses
the Chinese edition's terms (导数, 微分, 偏导数, 梯度, 链式法则, 切线). A test
fails when a key is missing in either catalog, or present but never used.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import streamlit as st

from calc_core.errors import InputError

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).parent / "locales"


@cache
def catalog(lang: str) -> dict[str, str]:
    """The flat ``{key: message}`` catalog of ``lang`` (nested TOML tables joined by dots).

    All ``locales/<lang>/*.toml`` files are merged; a key defined twice is an error.
    """
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            full = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(f"{full}.", value)
            elif full in flat:
                raise ValueError(f"{lang}: key {full!r} is defined twice")
            else:
                flat[full] = str(value)

    for path in sorted((LOCALES / lang).glob("*.toml")):
        with path.open("rb") as fh:
            walk("", tomllib.load(fh))
    return flat


def current_language() -> str:
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message ``key`` in the current (or given) language, formatted with ``params``."""
    messages = catalog(lang or current_language())
    text = messages.get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return text


#: Numbers as the core writes them; none can start a Markdown construct ("1." could).
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?|10\^-?\d+")


def literal(value: object) -> str:
    """Markdown that shows ``value`` as the text it is, never as markup.

    ``st.error``, ``st.warning``, ``st.markdown`` ... render Markdown and TeX: brackets
    become links and images, ``$`` TeX, and a bare URL a link even when every character
    is backslash-escaped (GFM autolinks; measured in Chromium on Streamlit 1.67). A code
    span is left alone, so text becomes one: its fence is a backtick longer than any run
    of backticks inside, and line breaks become spaces (a blank line would end it).
    Numbers (``3``, ``"-1.5e-300"``, ``"10^50"``) carry no markup and stay plain.

    >>> literal("[x](https://example.invalid)"), literal("a`b"), literal(3), literal("0.5")
    ('`[x](https://example.invalid)`', '``a`b``', '3', '0.5')
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value}"
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return value
    text = " ".join(str(value).splitlines())
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def error_message(err: InputError, lang: str | None = None) -> str:
    """An :class:`InputError` in the visitor's language, with the column (1-based) named.

    Every parameter is shown as text (:func:`literal`): many repeat what the visitor
    typed, and a shared link can put anything there.
    """
    key = f"error.{err.code}"
    if key not in catalog(lang or current_language()):
        return literal(err.message)
    text = t(key, lang, **{name: literal(value) for name, value in err.params.items()})
    if err.column is not None and "{column}" not in text:
        text = f"{text} {t('error.at_column', lang, column=err.column + 1)}"
    return text
