"""The translation catalogs: complete in both languages, consistent, and all in use.

Keys live in ``lab_ui/locales/<lang>/<topic>.toml``. A key counts as used when the app's
Python sources (``pages/``, ``lab_ui/``, ``dashboard.py``) contain it as a string literal,
or when they build it from a literal prefix: an f-string whose text before the first
``{`` is a dotted key prefix (``t(f"scheme.{s}")`` uses every ``scheme.*`` key,
``t(f"chain_rule.mode_{m}")`` every ``chain_rule.mode_*`` key), or a
``".".join(("exercises.items", ...))`` (every ``exercises.items.*`` key).

Messages are ``str.format`` templates when they are given parameters; texts with LaTeX
braces are shown as they are (``t`` formats only when given parameters).
"""

from __future__ import annotations

import ast
import re
import string
import tomllib
from functools import cache
from pathlib import Path

import pytest

from calc_core.errors import ERROR_CODES
from lab_ui.i18n import LANGUAGES, LOCALES, catalog
from tests.app.conftest import ROOT

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: A dotted key prefix as code writes it: "scheme.", "limits.col.", "chain_rule.mode_".
KEY_PREFIX = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]*)+")
#: Terms of the Chinese edition, and the topic that must bring them (None: already due).
TERMS = {
    "导数": None,
    "切线": "tangent",
    "梯度": "gradients",
    "偏导数": "gradients",
    "链式法则": "chain_rule",
}


def placeholders(message: str) -> frozenset[str] | None:
    """The ``{name}`` fields of a format template, or None for literal text (LaTeX braces).

    >>> sorted(placeholders("At h = {h} the quotient is {q}."))
    ['h', 'q']
    >>> placeholders(r"$\\frac{1}{x}$") is None
    True
    """
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}
    except ValueError:
        return None
    return frozenset(names) if all(n.isidentifier() for n in names) else None


def sources() -> list[Path]:
    return [
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "lab_ui").rglob("*.py")),
        ROOT / "dashboard.py",
    ]


def _joined_prefix(node: ast.Call) -> str | None:
    """``"exercises.items."`` for ``".".join(("exercises.items", item, ...))``."""
    func = node.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "join"
        and isinstance(func.value, ast.Constant)
        and func.value.value == "."
        and node.args
        and isinstance(node.args[0], ast.Tuple | ast.List)
        and node.args[0].elts
    ):
        return None
    head = node.args[0].elts[0]
    if isinstance(head, ast.Constant) and isinstance(head.value, str):
        return head.value + "."
    return None


@cache
def used_strings() -> tuple[frozenset[str], frozenset[str]]:
    """All string literals of the app's sources, and the key prefixes it builds keys from."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
                if isinstance(head, ast.Constant) and KEY_PREFIX.fullmatch(head.value):
                    prefixes.add(head.value)
            elif isinstance(node, ast.Call) and (prefix := _joined_prefix(node)):
                prefixes.add(prefix)
    return frozenset(literals), frozenset(prefixes)


def is_used(key: str) -> bool:
    literals, prefixes = used_strings()
    return key in literals or any(key.startswith(prefix) for prefix in prefixes)


def prose(message: str) -> bool:
    """Whether ``message`` is English prose (not a name, a formula or a placeholder)."""
    text = re.sub(r"\$[^$]*\$|\{[^}]*\}|\S*[._()\\/=]\S*", " ", message)
    return len(re.findall(r"\b[A-Za-z]{3,}\b", text)) >= 2


def topic_exists(topic: str) -> bool:
    return (ROOT / "pages" / f"{topic}.py").exists() or (LOCALES / "zh" / f"{topic}.toml").exists()


def toml_keys(path: Path) -> set[str]:
    def walk(prefix: str, node: dict) -> set[str]:
        keys: set[str] = set()
        for key, value in node.items():
            keys |= walk(f"{prefix}{key}.", value) if isinstance(value, dict) else {prefix + key}
        return keys

    with path.open("rb") as fh:
        return walk("", tomllib.load(fh))


TOPIC_FILES = sorted(p.name for p in (LOCALES / "en").glob("*.toml"))


class TestCompleteness:
    """Both languages define the same keys, topic file by topic file."""

    def test_languages_are_english_and_chinese(self):
        assert set(LANGUAGES) == {"en", "zh"}

    def test_same_keys_in_both_catalogs(self):
        en, zh = set(catalog("en")), set(catalog("zh"))
        assert sorted(en - zh) == [], "missing in zh"
        assert sorted(zh - en) == [], "missing in en"

    def test_same_topic_files_in_both_languages(self):
        zh_files = sorted(p.name for p in (LOCALES / "zh").glob("*.toml"))
        assert zh_files == TOPIC_FILES

    @pytest.mark.parametrize("name", TOPIC_FILES)
    def test_each_topic_file_has_the_same_keys(self, name):
        assert toml_keys(LOCALES / "en" / name) == toml_keys(LOCALES / "zh" / name)

    def test_no_empty_message(self):
        for lang in LANGUAGES:
            assert [k for k, v in catalog(lang).items() if not v.strip()] == [], lang

    @pytest.mark.parametrize("code", sorted(ERROR_CODES))
    def test_every_error_code_is_translated(self, code):
        assert f"error.{code}" in catalog("en")
        assert f"error.{code}" in catalog("zh")


class TestFormatFields:
    """A message has the same ``{fields}`` in both languages; errors get their params."""

    def test_fields_agree_between_languages(self):
        en, zh = catalog("en"), catalog("zh")
        differ = {
            key: (placeholders(en[key]), placeholders(zh[key]))
            for key in en.keys() & zh.keys()
            if placeholders(en[key]) != placeholders(zh[key])
        }
        assert differ == {}

    @pytest.mark.parametrize("code", sorted(ERROR_CODES))
    def test_error_messages_are_templates_of_declared_params(self, code):
        for lang in LANGUAGES:
            fields = placeholders(catalog(lang)[f"error.{code}"])
            assert fields is not None, lang
            assert fields <= {*ERROR_CODES[code], "column"}, lang


class TestUsage:
    """Every key is used by the app (a dead key is a translation nobody sees)."""

    def test_scanner_sees_literal_and_built_keys(self):
        literals, prefixes = used_strings()
        assert {"limits.title", "nav.limits", "error.at_column"} <= literals
        assert {"scheme.", "derivative.", "error.", "field.", "limits.axis."} <= prefixes

    def test_every_key_is_used(self):
        unused = sorted(key for key in catalog("en") if not is_used(key))
        assert unused == [], f"keys never used by pages/, lab_ui/ or dashboard.py: {unused}"


class TestChinese:
    """The Chinese catalog is Chinese, in the Chinese edition's terms."""

    @pytest.mark.parametrize(
        "key",
        [
            "app.title",
            "app.tagline",
            "limits.title",
            "limits.intro",
            "shell.bad_param",
            "derivative.not_differentiable",
            "error.unknown_name",
            "scheme.central",
        ],
    )
    def test_prose_is_in_chinese(self, key):
        assert CJK.search(catalog("zh")[key]), catalog("zh")[key]

    def test_every_english_sentence_has_a_chinese_one(self):
        en, zh = catalog("en"), catalog("zh")
        sentences = [key for key, message in en.items() if prose(message)]
        assert len(sentences) > 50
        assert [key for key in sentences if not CJK.search(zh[key])] == []

    @pytest.mark.parametrize("term", sorted(TERMS))
    def test_uses_the_chinese_editions_terms(self, term):
        topic = TERMS[term]
        if topic is not None and not topic_exists(topic):
            pytest.skip(f"the {topic} topic has not landed yet")
        assert any(term in message for message in catalog("zh").values())

    def test_derivative_is_daoshu(self):
        assert "导数" in catalog("zh")["derivative.undefined"]
        assert "导数" in catalog("zh")["limits.intro"]
