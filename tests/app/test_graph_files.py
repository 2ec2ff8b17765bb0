"""Specification of the chain-rule graphs as files: DOT laid out by Graphviz, as SVG and PNG.

The graphs' labels carry text derived from a visitor's formula. Whatever that text
holds, it must stay inside its label (no DOT, escape-sequence, entity or HTML-like
label injection), read back exactly as written, and the drawing must always lay out:
one SVG node per graph node, one SVG edge per graph edge. Where Graphviz is missing
the page says so instead of offering buttons that would fail.
"""

from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from calc_core import backprop, chain, forward
from calc_core.errors import InputError
from lab_ui import exports
from lab_ui.charts.chain_rule import (
    MAX_LABEL,
    backprop_dot,
    dependency_dot,
    dot_string,
    tangent_dot,
)
from lab_ui.i18n import t
from tests.app.conftest import through_entry

SVG = "{http://www.w3.org/2000/svg}"
WORDS = {"value": "value", "adjoint": "adjoint", "local": "local", "tangent": "tangent"}


def drawn(dot: str) -> ET.Element:
    """The SVG Graphviz lays ``dot`` out as, parsed as XML (a broken file raises)."""
    return ET.fromstring(exports.dot_svg(dot))


def drawn_parts(root: ET.Element, kind: str) -> list[tuple[str, list[str]]]:
    """Each node or edge of the drawing: its title and the lines of text it shows."""
    return [
        (
            "".join(g.find(f"{SVG}title").itertext()),
            ["".join(text.itertext()) for text in g.iter(f"{SVG}text")],
        )
        for g in root.iter(f"{SVG}g")
        if g.get("class") == kind
    ]


def groups(root: ET.Element, kind: str) -> dict[str, list[str]]:
    """The nodes (or edges) by title; two edges between the same nodes share one."""
    return dict(drawn_parts(root, kind))


def shown_as(text: str) -> list[str]:
    """The lines a label of ``text`` should show: as written, with what a file cannot
    carry replaced by U+FFFD, tabs as spaces, and Graphviz's empty lines left out."""
    kept = "".join(
        "\ufffd"
        if (ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F or c in "\ufffe\uffff"
        else c
        for c in text[:MAX_LABEL]
    )
    kept = kept if len(text) <= MAX_LABEL else kept[: MAX_LABEL - 1] + "…"
    return [line for line in kept.replace("\t", " ").split("\n") if line]


#: The pieces of DOT and of Graphviz's label language a label must not be read as.
HOSTILE = hs.sampled_from(
    ['"', "\\", '\\"', "\\n", "\\N", "\\G", "\\l", "\\r", "{", "}", "|", "<", ">", "<b>x</b>",
     "<<table>>", "];", '"]; n9 [label="x', "->", "//", "/*", "#", "&", "&amp;", "&lt;", "&#65;",
     "&#x41;", "&foo;", "\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\u2028", "\ufeff", "\uffff",
     "值", "∂"]
)  # fmt: skip
LABELS = hs.lists(hs.one_of(HOSTILE, hs.text(max_size=6)), max_size=8).map("".join)


class TestALabelStaysALabel:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(node=LABELS, edge=LABELS, tip=LABELS)
    def test_any_text_reads_back_literally_inside_one_node_and_one_edge(self, node, edge, tip):
        dot = (
            f"digraph g {{ n0 [label={dot_string(node)}, tooltip={dot_string(tip)}, shape=box];"
            f' n1 [label="end"]; n0 -> n1 [label={dot_string(edge)}]; }}'
        )
        root = drawn(dot)
        nodes, edges = groups(root, "node"), groups(root, "edge")
        assert set(nodes) == {"n0", "n1"} and list(edges) == ["n0->n1"]
        assert [line.replace("\u2060", "") for line in nodes["n0"]] == shown_as(node)
        assert [line.replace("\u2060", "") for line in edges["n0->n1"]] == shown_as(edge)
        assert nodes["n1"] == ["end"]

    def test_an_edge_label_opening_with_a_line_break_lays_out(self):
        """Graphviz 14.1 crashed on an edge label whose first line is empty."""
        root = drawn(f"digraph g {{ n0 -> n1 [label={dot_string(chr(10) + 'x')}]; }}")
        assert drawn_parts(root, "edge") == [("n0->n1", ["x"])]

    def test_a_crash_in_graphviz_costs_a_worker_not_the_server(self):
        crashing = 'digraph g { n0 -> n1 [label="\\n"]; }'  # not through dot_string
        try:
            exports.dot_svg(crashing)
        except InputError as err:  # the worker died: reported, as a computation too slow
            assert err.code == "too_complex"
        assert groups(drawn("digraph g { a -> b; }"), "node").keys() == {"a", "b"}

    def test_a_label_longer_than_graphviz_takes_is_cut_not_refused(self):
        root = drawn(f"digraph g {{ n0 [label={dot_string('x' * 20000)}]; }}")
        assert groups(root, "node")["n0"] == ["x" * (MAX_LABEL - 1) + "…"]


LEAVES = hs.sampled_from(["a", "b", "c", "2", "0.5", "pi", "a*b"])
UNARY = hs.sampled_from(["sin", "cos", "exp", "log", "sqrt", "tanh", "atan", "abs", "sec"])
FORMULAS = hs.recursive(
    LEAVES,
    lambda inner: hs.one_of(
        hs.tuples(UNARY, inner).map(lambda p: f"{p[0]}({p[1]})"),
        hs.tuples(inner, hs.sampled_from("+-*/^"), inner).map(lambda p: f"({p[0]}){p[1]}({p[2]})"),
    ),
    max_leaves=8,
)


class TestEveryGraphLaysOut:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(f=FORMULAS)
    def test_the_backward_and_forward_graphs_of_a_formula_draw_every_node_and_edge(self, f):
        try:
            r = forward.forward_mode(f, "a=0.7, b=1.3, c=2")
        except backprop.InputError:
            return  # refused with a message on the page; nothing to draw
        for dot, graph in [(backprop_dot(r.graph, WORDS), r.graph)] + [
            (tangent_dot(r, k, WORDS), r.graph) for k in range(len(r.passes))
        ]:
            root = drawn(dot)
            nodes, edges = groups(root, "node"), drawn_parts(root, "edge")
            assert len(nodes) == len(graph.nodes) and len(edges) == len(graph.edges)
            for node in graph.nodes:
                assert nodes[f"n{node.id}"][0].startswith(node.name)

    def test_the_exercise_graph_draws_its_variables(self):
        r = chain.walkthrough("x*y + sin(z)", "x=a+b; y=a*b; z=b^2", "a=0.5, b=1.5")
        nodes = groups(drawn(dependency_dot(r, "a", WORDS)), "node")
        assert set(nodes) == {"a", "b", "x", "y", "z", "u"}

    def test_the_png_is_the_svg_rasterised(self):
        r = backprop.backprop("a*b + sin(a)", "a=1, b=2")
        assert exports.dot_png(backprop_dot(r, WORDS))[:8] == b"\x89PNG\r\n\x1a\n"

    @pytest.mark.parametrize("text", ["v3: × value 1.5", "v3: × 值 1.5"])
    def test_the_png_shows_the_labels_text(self, text):
        """Graphviz names the font "Helvetica,sans-Serif": the PNG must still draw text."""
        from PIL import Image

        def dark_pixels(color: str) -> int:
            node = f'n [label={dot_string(text)}, fontcolor="{color}", fontname="Helvetica"]'
            dot = f"digraph g {{ {node}; }}"
            image = Image.open(io.BytesIO(exports.dot_png(dot))).convert("L")
            return int((np.asarray(image) < 128).sum())

        assert dark_pixels("black") > dark_pixels("white") + 200


def labels(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


class TestThePageOffersTheFiles:
    @pytest.mark.parametrize(
        ("query", "graphs"),
        [
            ({"mode": "graph"}, 1),
            ({"mode": "graph", "ad": "forward", "f": "a*b + c", "at": "a=1, b=2, c=3"}, 3),
            ({"u": "x*y", "inner": "x=a+b; y=a*b", "at": "a=1, b=2"}, 1),
            ({}, 1),  # the abstract exercise
        ],
    )
    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_every_graph_has_svg_and_png_buttons_and_lays_out_nothing_until_asked(
        self, monkeypatch, query, graphs, lang
    ):
        monkeypatch.delitem(sys.modules, "pygraphviz", raising=False)
        at = through_entry("chain-rule", lang=lang, **query).run()
        assert not at.exception, [e.message for e in at.exception]
        assert labels(at).count(t("export.svg", lang)) == graphs
        assert labels(at).count(t("export.png", lang)) == graphs
        assert "pygraphviz" not in sys.modules

    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_without_graphviz_the_page_says_so_instead_of_offering_buttons(self, monkeypatch, lang):
        monkeypatch.setitem(sys.modules, "pygraphviz", None)  # as if it were not installed
        at = through_entry("chain-rule", lang=lang, mode="graph").run()
        assert not at.exception, [e.message for e in at.exception]
        assert t("export.svg", lang) not in labels(at)
        assert t("export.graph_unavailable", lang) in [c.value for c in at.caption]
        assert at.get("graphviz_chart"), "the graph itself is still drawn"
