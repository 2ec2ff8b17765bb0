"""``python -m bench.first_paint``: time to the first drawn chart, next to a one-chart reference.

Both apps are served by ``streamlit run`` on loopback (the app, ``dashboard.py``, and
the reference, :mod:`bench.first_paint_app`: a title, a text input and one 401-point
Altair line) and loaded by Debian's Chromium through Playwright, a fresh browser
context (empty cache, new session) for every load. Two figures:

- **first chart**: from the start of navigation (the page's ``performance.now()``
  origin) to the first animation frame in which a Vega-Lite chart has drawn its data
  marks (a ``role-mark`` path or text in its SVG, or a painted canvas), on servers
  that have already served one visit; per page, with the reference loaded in the same
  round (interleaved, so both see the same noise of a shared machine);
- **first visit after a start**: the same time for the first visit to a server just
  started (healthy, nobody served yet), what a teacher opening a shared link in
  front of a class sees; per page, each round starting a fresh app server and a
  fresh reference server.

Reported: medians, and each page's median over the reference's median (the ratio).
``--baseline DIR`` serves another checkout's pages too (``<page>@baseline``), in the
same rounds: before/after figures of a change from one run on a noisy machine.
Targets (issue 13): first chart within 1.3x the reference on every page, first visit
after a start within 1.5x.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from deploy.run_replicas import ROOT, Replica
from tools.browser import CHROMIUM_ARGS, find_chromium

#: (name, script, path with its query) -- the reference first, then the pages with charts.
APPS: list[tuple[str, str, str]] = [
    ("reference", "bench/first_paint_app.py", ""),
    ("limits", "dashboard.py", "limits"),
    ("tangent", "dashboard.py", "tangent"),
    ("gradients", "dashboard.py", "gradients"),
    ("chain-rule", "dashboard.py", "chain-rule"),
]
FIRST_CHART_TARGET = 1.3
FIRST_VISIT_TARGET = 1.5
VIEWPORT = {"width": 1400, "height": 900}
LOAD_TIMEOUT_MS = 90_000

#: True (as performance.now()) in the first animation frame where a chart shows data marks
#: (the chain-rule page's first chart is its Graphviz dependency graph).
_DRAWN = """() => {
  for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    const box = chart.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) continue;
    const marks = chart.querySelector('svg.marks g.role-mark path[d], svg.marks g.role-mark text');
    const canvas = chart.querySelector('canvas.marks');
    if (marks || (canvas && canvas.width > 0)) return performance.now();
  }
  for (const graph of document.querySelectorAll('[data-testid="stGraphVizChart"]')) {
    if (graph.querySelector('svg g.node')) return performance.now();
  }
  return false;
}"""


class Unavailable(RuntimeError):
    """Chromium or Playwright is missing: nothing can be measured."""


def first_chart_seconds(browser, url: str) -> float:
    """Seconds from navigation start to the first chart drawn, in a fresh context."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        handle = page.wait_for_function(_DRAWN, polling="raf", timeout=LOAD_TIMEOUT_MS)
        return float(handle.json_value()) / 1e3
    finally:
        context.close()


def _url(replica: Replica, path: str) -> str:
    return f"{replica.url}/{path}"


def _serve(root: Path, script: str) -> Replica:
    # the checkout's own modules first, whatever PYTHONPATH the bench itself runs with
    return Replica(script=script, root=root, env={"PYTHONPATH": str(root)}).start(timeout=120)


def apps(baseline: Path | None = None) -> list[tuple[str, Path, str, str]]:
    """(name, checkout, script, path): :data:`APPS` from this checkout, then, with a
    ``baseline`` checkout, its pages again as ``<page>@baseline``."""
    listed = [(name, ROOT, script, path) for name, script, path in APPS]
    if baseline is not None:
        listed += [(f"{n}@baseline", baseline, s, p) for n, s, p in APPS if n != "reference"]
    return listed


def warm_loads(browser, rounds: int, listed: list[tuple[str, Path, str, str]]) -> dict:
    """First chart on servers past their first visit, the apps taking turns per round."""
    servers: dict[tuple[Path, str], Replica] = {}
    try:
        for _name, root, script, _path in listed:  # one server per checkout and script
            if (root, script) not in servers:
                servers[root, script] = _serve(root, script)
        for _name, root, script, path in listed:  # a server's first visit is not measured here
            first_chart_seconds(browser, _url(servers[root, script], path))
        times: dict[str, list[float]] = {name: [] for name, *_ in listed}
        for _ in range(rounds):
            for name, root, script, path in listed:
                url = _url(servers[root, script], path)
                times[name].append(first_chart_seconds(browser, url))
        return times
    finally:
        for server in servers.values():
            server.stop()


def first_visits(browser, rounds: int, listed: list[tuple[str, Path, str, str]]) -> tuple:
    """First chart of the first visit to a server just started, per app, interleaved;
    and each of those servers' start (from launch to healthy)."""
    times: dict[str, list[float]] = {name: [] for name, *_ in listed}
    starts: dict[str, list[float]] = {name: [] for name, *_ in listed}
    for _ in range(rounds):
        for name, root, script, path in listed:
            launched = time.perf_counter()
            server = _serve(root, script)
            starts[name].append(time.perf_counter() - launched)
            try:
                times[name].append(first_chart_seconds(browser, _url(server, path)))
            finally:
                server.stop()
    return times, starts


def summarise(times: dict[str, list[float]], target: float | None) -> list[dict]:
    """Per app: median, max, ratio to the reference's median, and whether ``target`` is met."""
    ref = statistics.median(times["reference"])
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / ref
        rows.append(
            {
                "name": name,
                "median_s": median,
                "max_s": max(values),
                "ratio": ratio,
                "met": name == "reference" or target is None or ratio <= target,
                "runs_s": values,
            }
        )
    return rows


def measure(
    rounds: int = 7,
    visit_rounds: int = 3,
    visit_pages: list[str] | None = None,
    baseline: Path | None = None,
) -> dict:
    """Both figures; raises :class:`Unavailable` when Chromium or Playwright is missing.

    ``visit_pages``: the pages whose first visit after a start is measured (all by
    default); ``baseline``: another checkout (an older commit) measured in the same run.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise Unavailable(
            "Playwright is not installed: pip install -r requirements-dev.txt"
        ) from err
    chromium = find_chromium()
    if chromium is None:
        raise Unavailable("Chromium not found at /usr/bin/chromium: apt-get install chromium")
    listed = apps(baseline)
    visited = [a for a in listed if visit_pages is None or a[0].split("@")[0] in visit_pages]
    visited = [listed[0], *(a for a in visited if a[0] != "reference")]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            warm = warm_loads(browser, rounds, listed)
            visits, starts = first_visits(browser, visit_rounds, visited)
        finally:
            browser.close()
    return {
        "baseline": None if baseline is None else str(baseline),
        "rounds": rounds,
        "visit_rounds": visit_rounds,
        "load_average_1min_at_start": load,
        "load_average_1min_at_end": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "seconds": time.perf_counter() - started,
        "first_chart": summarise(warm, FIRST_CHART_TARGET),
        "first_visit": summarise(visits, FIRST_VISIT_TARGET),
        "start": summarise(starts, None),
        "start_and_first_visit": summarise(
            {n: [a + b for a, b in zip(starts[n], visits[n], strict=True)] for n in visits}, None
        ),
    }


def report(r: dict) -> None:
    load = r["load_average_1min_at_start"]
    print(
        f"Chromium, a fresh context per load; load average {load:.1f} at start, "
        f"{r['load_average_1min_at_end']:.1f} at end"
    )
    rows = (
        ("first_chart", "first chart drawn (servers past their first visit)", FIRST_CHART_TARGET),
        ("first_visit", "first visit after a server start", FIRST_VISIT_TARGET),
        ("start", "server start, from launch to healthy", None),
        ("start_and_first_visit", "launch to the first visit's chart (the two above)", None),
    )
    for key, title, target in rows:
        n = r["rounds"] if key == "first_chart" else r["visit_rounds"]
        print(f"  {title}, median of {n}, interleaved with the reference:")
        for row in r[key]:
            mark = ""
            if row["name"] != "reference" and target is not None:
                mark = f"  target <= {target:g}x: {'met' if row['met'] else 'MISSED'}"
            print(
                f"    {row['name']:11s} {row['median_s']:6.2f} s  max {row['max_s']:6.2f} s  "
                f"{row['ratio']:5.2f}x{mark}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.first_paint", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=7, help="warm loads per app")
    parser.add_argument("--visit-rounds", type=int, default=3, help="server starts per app")
    parser.add_argument("--pages", nargs="*", help="pages whose first visit is measured")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="another checkout (git worktree add DIR <commit>) measured in the same run",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the raw figures here")
    args = parser.parse_args(argv)
    figures = measure(args.rounds, args.visit_rounds, args.pages, args.baseline)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
