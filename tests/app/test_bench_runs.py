"""Specification of the benchmark command ``python -m bench`` (bench/).

The registry is checked on every run; the command itself runs once, ``--quick``,
in a subprocess (marked ``slow``), and its printed sections and raw JSON figures
are checked: it finishes, measures every registered page against the reference,
answers every hostile input and fires the time-limit backstop.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import SECTIONS
from bench.corpus import CORPUS, HOSTILE
from bench.first_paint import APPS
from bench.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]


class TestRegistry:
    def test_every_page_file_exists(self):
        for name, page, _key, _values in PAGES:
            assert (ROOT / page).is_file(), name

    def test_every_page_cycles_at_least_two_distinct_values(self):
        for name, _page, _key, values in PAGES:
            assert len(set(values)) >= 2 and len(set(values)) == len(values), name

    def test_page_names_are_unique(self):
        names = [name for name, *_ in PAGES]
        assert len(names) == len(set(names))

    def test_corpus_is_about_sixty_distinct_inputs(self):
        assert 50 <= len(CORPUS) == len(set(CORPUS))

    def test_hostile_labels_are_unique(self):
        labels = [label for label, _ in HOSTILE]
        assert len(labels) == len(set(labels))


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # section 5 starts five servers and a browser
    )
    figures = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return done, figures


@pytest.mark.slow
class TestQuickRun:
    def test_exits_zero(self, quick_run):
        done, _ = quick_run
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    def test_prints_every_section_header(self, quick_run):
        done, _ = quick_run
        for header in SECTIONS:
            assert f"== {header} ==" in done.stdout

    def test_times_parsing_of_the_whole_corpus(self, quick_run):
        _, figures = quick_run
        latency = figures["latency"]
        assert latency["refused"] == []
        assert len(latency["rows"]) == len(CORPUS)
        assert 0 < latency["parse"]["median_ms"] <= latency["parse_diff_latex"]["median_ms"]

    def test_answers_every_hostile_input_without_a_crash(self, quick_run):
        _, figures = quick_run
        hostile = figures["hostile"]
        assert hostile["all_answered"]
        assert [row["label"] for row in hostile["rows"]] == [label for label, _ in HOSTILE]
        assert all(row["outcome"].startswith(("error ", "result ")) for row in hostile["rows"])

    def test_the_once_slow_input_is_answered_or_stopped_by_the_time_limit(self, quick_run):
        _, figures = quick_run
        hostile = figures["hostile"]
        if hostile["slow_outcome"] == "error too_complex":  # the backstop fired
            assert hostile["slow_killed"] == 1
            assert hostile["slow_s"] >= hostile["limit_s"]
        else:  # bounded symbolic work answered it on its own (issue 10)
            assert hostile["slow_outcome"].startswith("result ")
            assert hostile["slow_killed"] == 0 and hostile["slow_s"] < hostile["limit_s"]

    def test_measures_every_registered_page_against_the_reference(self, quick_run):
        _, figures = quick_run
        pages = figures["pages"]["pages"]
        assert [p["name"] for p in pages] == ["reference", *(name for name, *_ in PAGES)]
        for page in pages:
            assert page["warm_median_ms"] > 0 and page["cold_first_run_s"] > 0
            assert page["problems"] == []
        assert pages[0]["ratio"] == 1.0

    def test_reports_every_scheme_for_both_functions(self, quick_run):
        _, figures = quick_run
        cases = figures["accuracy"]["cases"]
        assert [c["f"] for c in cases] == ["sin(x)", "3x^2 - 4x"]
        for case in cases:
            forward = next(s for s in case["schemes"] if s["scheme"] == "forward")
            # the forward difference's best error is of the order of sqrt(eps) ~ 1.5e-8
            assert 1e-10 < forward["best_error"] < 1e-6

    def test_measures_the_first_chart_of_every_page_against_the_reference(self, quick_run):
        _, figures = quick_run
        paint = figures["first_paint"]
        if "unavailable" in paint:
            assert os.environ.get("CI", "").strip().lower() != "true", paint["unavailable"]
            pytest.skip(paint["unavailable"])
        rows = paint["first_chart"]
        assert [row["name"] for row in rows] == [name for name, *_ in APPS]
        assert all(row["median_s"] > 0 for row in rows) and rows[0]["ratio"] == 1.0
        visits = paint["first_visit"]
        assert [row["name"] for row in visits] == ["reference", "limits"]
        assert all(row["median_s"] > 0 for row in visits)
        # the app's start (its imports, its workers) is reported beside its first visit
        starts, both = paint["start"], paint["start_and_first_visit"]
        assert [row["name"] for row in starts] == ["reference", "limits"]
        for start, visit, total in zip(starts, visits, both, strict=True):
            assert start["median_s"] > 0
            pairs = zip(start["runs_s"], visit["runs_s"], strict=True)
            assert total["runs_s"] == [a + b for a, b in pairs]


class TestFirstPaintServers:
    """``bench.first_paint`` starts one server per checkout and script, and stops each."""

    def test_the_warm_loads_share_one_server_per_app_and_stop_them_all(self, monkeypatch):
        from bench import first_paint

        started, stopped = [], []

        class Server:
            url = "http://127.0.0.1:1"

            def stop(self):
                stopped.append(self)

        def serve(root, script):
            started.append((root, script))
            return Server()

        monkeypatch.setattr(first_paint, "_serve", serve)
        monkeypatch.setattr(first_paint, "first_chart_seconds", lambda browser, url: 1.0)
        listed = first_paint.apps(baseline=ROOT / "baseline")
        times = first_paint.warm_loads(None, 2, listed)
        assert sorted(set(started)) == sorted(started)  # never two servers for one app
        assert len(started) == 3  # the reference, this checkout's pages, the baseline's
        assert len(stopped) == len(started)
        assert all(len(runs) == 2 for runs in times.values())
