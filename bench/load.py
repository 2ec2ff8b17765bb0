"""``python -m bench.load``: a class of students on one server, measured.

N concurrent sessions speak Streamlit's own protocol (protobuf ``BackMsg`` /
``ForwardMsg`` over the WebSocket at ``/_stcore/stream``, see
:mod:`tools.st_session`) to a real ``streamlit run dashboard.py`` (or to N replicas
behind nginx with ``--replicas``). Each session opens the app, then keeps visiting
every page in ``lab_ui.sitemap.TOPICS`` and changing its inputs (:data:`SCENARIOS`),
pausing a random "think time" between actions, as a student reading the result
would. Every input is different (no two sessions share a cache entry), the worst
case for the server; ``--inputs shared`` has them pick among a dozen inputs per
step instead, like a class typing what the teacher shows. Reported:

- per-rerun latency (request sent -> ``script_finished`` received), p50/p95/max,
  for page visits and for input changes; the rerun rate achieved; errors (a run
  that timed out, lost its connection or showed an exception box);
- server CPU per rerun (``/proc``), in the server process(es) and in the workers;
- server memory: resident set (``/proc/<pid>/status``, else psutil) with one warm
  session per replica, then with all N, giving the memory per extra session;
- the hostile-session delay: a few probe sessions time their reruns in windows that
  alternate between quiet and hostile; in a hostile window ``--hostile N`` more
  sessions each submit the costliest input we know (:data:`bench.corpus.HEAVY`, on the
  chain rule's steps view), a new copy every 0.5 s without waiting (strangers hammering Enter).
  Reported: the cost of one such check, and the probes' median and p95 in hostile
  windows next to their quiet ones (the ratio of medians, and the difference).

A benchmark, not a test: loopback only, every loop bounded in count and time.
The machine is shared; the load average at the start is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus import HEAVY, HEAVY_PAGE, HEAVY_QUERY, HEAVY_WIDGET
from deploy.run_replicas import Cluster, Replica
from lab_ui.sitemap import TOPICS
from tools.st_session import Session

PAGES = [slug for slug, *_ in TOPICS]  # each at its own url_path; the home page is at ""
MAX_ACTIONS = 2000  # per session: a bound on top of the time bound
RUN_TIMEOUT = 30.0

#: Inputs each page's sessions change, in order, per visit. ``{k}`` is a number unique
#: to the session and visit (so no two requests share a cache entry), ``{x}`` a point
#: derived from it. A key the page no longer has is skipped and counted, not an error.
SCENARIOS: dict[str, list[dict[str, str]]] = {
    "limits": [{"f": "{k}x^2 - 4x"}, {"x0": "{x}"}],
    "gradients": [{"f": "{k}x1^2 + 5e^{{x2}}"}, {"at": "{x}, 0"}],
    "chain-rule": [{"at": "a={x}, b=1.5"}],
    "tangent": [{"f": "{k}x^3 - 1/x"}, {"x0": "{x}"}],
    "exercises": [{"answer_en_1_pow3": "{k}x^2"}],
}
#: Ordinary inputs for the probe sessions of the hostile measurement.
PROBE = {"f": "{k}x^2 - 4x"}
#: With ``--inputs shared``, sessions pick among this many inputs per step (a class
#: typing what the teacher shows), so most computations are cache hits.
SHARED_INPUTS = 12
NUMERIC = {"x0"}


def fill(step: dict[str, str], k: int) -> dict[str, object]:
    x = 0.25 + (k % 12) * 0.25
    values: dict[str, object] = {}
    for key, template in step.items():
        text = template.format(k=k, x=x)
        values[key] = float(text) if key in NUMERIC else text
    return values


# ------------------------------------------------------------------ measuring tools


def rss_bytes(pid: int) -> int | None:
    """Resident memory of a process: /proc on Linux, else psutil if installed."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    try:
        import psutil
    except ImportError:
        return None
    try:
        return psutil.Process(pid).memory_info().rss
    except psutil.Error:
        return None


def children(pid: int) -> list[int]:
    """Every descendant (the guard workers, forked from the fork server) of a process,
    from /proc; [] elsewhere."""
    proc = Path("/proc")
    if not proc.exists():
        return []
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in proc.iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents[parent].append(int(entry.name))
    found, todo = [], list(parents.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(parents.get(child, []))
    return found


def cpu_seconds(pid: int) -> float | None:
    stat = Path(f"/proc/{pid}/stat")
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_s": percentile(values, 0.5),
        "p95_s": percentile(values, 0.95),
        "max_s": max(values) if values else float("nan"),
    }


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    skipped_steps: int = 0
    largest_message: int = 0
    error_boxes: int = 0  # valid inputs answered with an error box (e.g. refused under load)

    def record(self, kind: str, run) -> None:
        self.largest_message = max(self.largest_message, run.largest)
        if run.status != "ok":
            self.errors[run.status] += 1
        elif run.exceptions:
            self.errors["exception"] += 1
            if len(self.examples) < 5:
                self.examples.append(run.exceptions[0][:200])
        else:
            self.latencies[kind].append(run.seconds)
            if run.errors:
                self.error_boxes += 1
                if len(self.examples) < 5:
                    self.examples.append(run.errors[0][:200])


# ------------------------------------------------------------------ the sessions


async def open_session(
    url: str, stats: Stats, query: str = "lang=en", page: str = ""
) -> Session | None:
    """A session that opened ``page`` (default: the home page, where a class arrives)."""
    session = Session(url)
    try:
        await session.connect(timeout=20)
    except Exception as err:  # any failure to connect is counted, not raised
        stats.errors[f"connect: {type(err).__name__}"] += 1
        return None
    stats.record("open", await session.run(page=page, query=query, timeout=RUN_TIMEOUT))
    return session


async def visit_every_page(session: Session, stats: Stats, k: int) -> None:
    """Once through every page with the same inputs for all sessions (cache hits)."""
    for slug in PAGES:
        stats.record("navigate", await session.run(page=slug, timeout=RUN_TIMEOUT))
        for step in SCENARIOS.get(slug, []):
            widgets = fill(step, k)
            if not all(key in session.widgets for key in widgets):
                stats.skipped_steps += 1
                continue
            stats.record("input", await session.run(widgets=widgets, timeout=RUN_TIMEOUT))


async def student(
    session: Session,
    index: int,
    stats: Stats,
    stop_at: float,
    think: float,
    rng,
    inputs: str = "distinct",
) -> int:
    """Visit the pages in turn (each student starts elsewhere), changing inputs; pause."""
    actions = 0
    visit = 0
    order = PAGES[index % len(PAGES) :] + PAGES[: index % len(PAGES)]

    async def pause() -> None:
        await asyncio.sleep(min(rng.uniform(0.5, 1.5) * think, max(0.0, stop_at - time.time())))

    await asyncio.sleep(rng.uniform(0, think))  # students do not all click at the same instant
    while time.time() < stop_at and actions < MAX_ACTIONS:
        for slug in order:
            if time.time() >= stop_at:
                break
            stats.record("navigate", await session.run(page=slug, timeout=RUN_TIMEOUT))
            actions += 1
            await pause()
            for step in SCENARIOS.get(slug, []):
                if time.time() >= stop_at:
                    break
                if inputs == "distinct":
                    k = 100_000 * (index + 1) + visit
                else:
                    k = 2 + rng.randrange(SHARED_INPUTS)
                widgets = fill(step, k)
                visit += 1
                if not all(key in session.widgets for key in widgets):
                    stats.skipped_steps += 1
                    continue
                stats.record("input", await session.run(widgets=widgets, timeout=RUN_TIMEOUT))
                actions += 1
                await pause()
    return actions


async def gather_limited(coros, limit: int) -> list:
    semaphore = asyncio.Semaphore(limit)

    async def one(coro):
        async with semaphore:
            return await coro

    return await asyncio.gather(*(one(c) for c in coros))


# ------------------------------------------------------------------ the phases


class Target:
    """The server(s) under test: one replica, or N behind nginx, or a given URL."""

    def __init__(
        self,
        url: str | None,
        replicas: int,
        workers: int | None,
        options: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        env = {**({"CALCLAB_WORKERS": str(workers)} if workers else {}), **(env or {})} or None
        self.cluster = None
        self.replica = None
        self.external = url
        if url:
            self.url = url
        elif replicas > 1:
            self.cluster = Cluster(replicas=replicas, env=env, options=options)
        else:
            self.replica = Replica(env=env, options=options)

    def __enter__(self) -> Target:
        if self.cluster:
            self.cluster.start()
            self.url = self.cluster.url
        elif self.replica:
            self.replica.start()
            self.url = self.replica.url
        return self

    def __exit__(self, *exc: object) -> None:
        if self.cluster:
            self.cluster.stop()
            self.cluster.cleanup()
        if self.replica:
            self.replica.stop()

    def pids(self) -> list[int]:
        if self.cluster:
            return [r.pid for r in self.cluster.replicas]
        if self.replica:
            return [self.replica.pid]
        return []

    def memory(self) -> dict:
        servers = [rss_bytes(pid) for pid in self.pids()]
        workers = [rss_bytes(c) for pid in self.pids() for c in children(pid)]
        known = [m for m in servers if m is not None]
        return {
            "servers_bytes": sum(known) if known and len(known) == len(servers) else None,
            "workers_bytes": sum(m for m in workers if m is not None),
            "workers": len(workers),
        }

    def cpu(self) -> float | None:
        values = [cpu_seconds(pid) for pid in self.pids()]
        return sum(values) if values and None not in values else None

    def workers_cpu(self) -> float | None:
        values = [cpu_seconds(c) for pid in self.pids() for c in children(pid)]
        return sum(v for v in values if v is not None) if values else None


def per(before: float | None, after: float | None, count: float) -> float | None:
    """(after - before) / count, or None when a reading is missing."""
    if before is None or after is None or not count:
        return None
    return (after - before) / count


async def load_phase(target: Target, args) -> dict:
    stats = Stats()
    rng = random.Random(args.seed)
    # 1. warm sessions: imports, worker start, every page once (behind nginx, enough
    #    sessions that every replica has one: replicas are routed at random)
    n_warm = 1 if len(target.pids()) <= 1 else 2 * len(target.pids()) + 2
    warm = [await open_session(target.url, stats) for _ in range(n_warm)]
    warm = [w for w in warm if w is not None]
    if not warm:
        raise SystemExit(f"cannot open a session on {target.url}: {dict(stats.errors)}")
    for session in warm:
        await visit_every_page(session, stats, k=1)
    mem_one = target.memory()
    # 2. the other sessions, each through every page once, same inputs (cache hits)
    others = await gather_limited(
        [open_session(target.url, stats) for _ in range(args.sessions - len(warm))], 10
    )
    fresh = [s for s in others if s is not None]
    await gather_limited([visit_every_page(s, stats, k=1) for s in fresh], 10)
    sessions = warm + fresh
    await asyncio.sleep(1.0)
    mem_all = target.memory()
    warmup = {kind: summary(v) for kind, v in stats.latencies.items()}
    # the whole class clicks the same link at the same moment ("everyone open gradients")
    burst_page = PAGES[1 % len(PAGES)]
    burst_runs = await asyncio.gather(*(s.run(page=burst_page) for s in sessions))
    burst = summary([r.seconds for r in burst_runs if r.ok])
    burst["errors"] = sum(1 for r in burst_runs if not r.ok)
    # 3. the class at work: every session changes inputs on every page, for the duration
    stats = Stats()
    cpu0, wcpu0, t0 = target.cpu(), target.workers_cpu(), time.perf_counter()
    client0 = time.process_time()
    stop_at = time.time() + args.duration
    actions = await asyncio.gather(
        *(
            student(s, i, stats, stop_at, args.think, random.Random(rng.random()), args.inputs)
            for i, s in enumerate(sessions)
        )
    )
    elapsed = time.perf_counter() - t0
    cpu1, wcpu1 = target.cpu(), target.workers_cpu()
    client_cpu = time.process_time() - client0
    mem_end = target.memory()
    for session in sessions:
        with contextlib.suppress(Exception):
            await session.close()
    all_runs = [x for values in stats.latencies.values() for x in values]
    extra = len(fresh)
    per_session = None
    if mem_one["servers_bytes"] is not None and mem_all["servers_bytes"] is not None and extra:
        per_session = (mem_all["servers_bytes"] - mem_one["servers_bytes"]) / extra
    return {
        "sessions_open": len(sessions),
        "warm_sessions": len(warm),
        "seconds": elapsed,
        "reruns": len(all_runs),
        "reruns_per_s": len(all_runs) / elapsed if elapsed else None,
        "actions": sum(actions),
        "latency": {
            "all": summary(all_runs),
            **{k: summary(v) for k, v in stats.latencies.items()},
        },
        "warmup_latency": warmup,
        "burst": burst,
        "errors": dict(stats.errors),
        "error_examples": stats.examples,
        "skipped_steps": stats.skipped_steps,
        "error_boxes": stats.error_boxes,
        "largest_message_bytes": stats.largest_message,
        "server_cpu_share": per(cpu0, cpu1, elapsed),
        "client_cpu_share": client_cpu / elapsed if elapsed else None,
        "server_cpu_per_rerun_s": per(cpu0, cpu1, len(all_runs)),
        "workers_cpu_per_rerun_s": per(wcpu0, wcpu1, len(all_runs)),
        "memory": {"one_session": mem_one, "all_sessions": mem_all, "end": mem_end},
        "memory_per_extra_session_bytes": per_session,
    }


async def probe_window(
    sessions: list[Session], seconds: float, think: float, first_k: int
) -> tuple[list[float], int]:
    stop_at = time.time() + seconds
    stats = Stats()

    async def probe(i: int, session: Session) -> None:
        k = first_k + 1000 * i
        while time.time() < stop_at and k < first_k + 1000 * i + 500:
            stats.record("probe", await session.run(widgets=fill(PROBE, k), timeout=RUN_TIMEOUT))
            k += 1
            await asyncio.sleep(think)

    await asyncio.gather(*(probe(i, s) for i, s in enumerate(sessions)))
    return stats.latencies["probe"], sum(stats.errors.values())


def attack_cost(copies: int = 3) -> float:
    """CPU seconds one hostile rerun costs a worker: the steps of new copies of
    :data:`HEAVY`, in this process (median)."""
    from calc_core import diffsteps

    costs = []
    for k in range(copies):
        start = time.process_time()
        with contextlib.suppress(Exception):  # an InputError costs what it cost
            diffsteps.steps(f"{HEAVY} + {987_654 + k}")
        costs.append(time.process_time() - start)
    return statistics.median(costs)


async def hostile_phase(target: Target, args) -> dict:
    """Probe latency in alternating quiet and hostile windows (drift on a shared machine
    affects both alike); the attackers' last computations end before a quiet window."""
    stats = Stats()
    probes = [await open_session(target.url, stats, page="limits") for _ in range(args.probes)]
    probes = [p for p in probes if p is not None]
    attackers = [
        await open_session(target.url, stats, query=HEAVY_QUERY, page=HEAVY_PAGE)
        for _ in range(args.hostile)
    ]
    attackers = [a for a in attackers if a is not None]
    if not probes or not attackers:
        raise SystemExit(f"cannot open probe sessions: {dict(stats.errors)}")
    if any(HEAVY_WIDGET not in a.widgets for a in attackers):
        raise SystemExit(f"{HEAVY_PAGE}?{HEAVY_QUERY} has no widget {HEAVY_WIDGET!r} to attack")
    # warm the probes' code paths (not their inputs: every probe input below is new)
    await probe_window(probes, 2.0, args.probe_think, first_k=10)
    windows: dict[str, list[float]] = {"quiet": [], "hostile": []}
    cpu = {name: defaultdict(float) for name in windows}  # CPU seconds used in each kind
    errors = 0
    submitted = 0
    first_k = 20_000
    schedule = ["quiet", "hostile"] * args.rounds + ["quiet"]
    window = args.hostile_seconds / args.rounds
    for name in schedule:
        attacks = []
        if name == "hostile":
            stop_at = time.time() + window

            async def hammer(attacker: Session, start: int, stop_at: float = stop_at) -> int:
                count = 0
                await asyncio.sleep(random.uniform(0, 0.5))  # attackers do not press in step
                while time.time() < stop_at and count < 200:
                    text = f"{HEAVY} + {start + count}"  # new each time: no cache hit
                    await attacker.ws.send(attacker.rerun_request(widgets={HEAVY_WIDGET: text}))
                    count += 1  # no waiting for the answer: a new one every 0.5 s
                    await asyncio.sleep(0.5)
                return count

            attacks = [
                asyncio.create_task(hammer(a, 1_000_000 * (i + 1) + submitted))
                for i, a in enumerate(attackers)
            ]
        before = (time.perf_counter(), target.cpu(), target.workers_cpu())
        latencies, failed = await probe_window(probes, window, args.probe_think, first_k)
        after = (time.perf_counter(), target.cpu(), target.workers_cpu())
        if None not in before + after:
            for i, part in enumerate(("seconds", "server", "workers")):
                cpu[name][part] += after[i] - before[i]
        first_k += 10_000
        windows[name] += latencies
        errors += failed
        if attacks:
            submitted += sum(await asyncio.gather(*attacks))
            # read each attacker's messages until its last run is over (<= 3 s limit + render)
            for attacker in attackers:
                for _ in range(10):
                    run = await attacker.finish(timeout=10)
                    if run.status != "ok" or not run.elements or run.errors:
                        break
    for session in [*probes, *attackers]:
        with contextlib.suppress(Exception):
            await session.close()
    quiet, hostile = windows["quiet"], windows["hostile"]
    both = bool(quiet and hostile)
    return {
        "probes": len(probes),
        "attackers": len(attackers),
        "rounds": args.rounds,
        "submitted_hostile": submitted,
        "input": HEAVY,
        "cpu_per_attack_s": attack_cost(),
        "probe_latency": {name: summary(v) for name, v in windows.items()},
        "delay_p50_s": statistics.median(hostile) - statistics.median(quiet) if both else None,
        "delay_p95_s": percentile(hostile, 0.95) - percentile(quiet, 0.95) if both else None,
        "median_ratio": statistics.median(hostile) / statistics.median(quiet) if both else None,
        "probe_errors": errors,
        "cores_used": {
            name: {part: used[part] / used["seconds"] for part in ("server", "workers")}
            for name, used in cpu.items()
            if used["seconds"]
        },
    }


# ------------------------------------------------------------------ report


def mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 2**20:.1f} MiB"


def report_load(result: dict, args) -> None:
    load = result["load"]
    lat = load["latency"]
    print(
        f"\n== Load: {args.sessions} sessions, {args.duration:g} s, think {args.think:g} s "
        f"(±50%), {result['setup']} =="
    )
    print(f"load average at start: {result['load_average_1min']}  (the machine is shared)")
    errors = load["errors"] or "none"
    print(f"reruns: {load['reruns']} ({load['reruns_per_s']:.1f}/s); errors: {errors}")
    for kind in ("all", "navigate", "input"):
        if kind in lat:
            s = lat[kind]
            print(
                f"  {kind:9s} n={s['n']:5d}  p50 {s['p50_s']:.3f} s  "
                f"p95 {s['p95_s']:.3f} s  max {s['max_s']:.3f} s"
            )
    if load["server_cpu_share"] is not None:
        print(
            f"server CPU: {load['server_cpu_share']:.2f} cores over the run; per rerun "
            f"{1e3 * load['server_cpu_per_rerun_s']:.0f} ms in the server(s), "
            f"{1e3 * (load['workers_cpu_per_rerun_s'] or 0):.0f} ms in the workers; "
            f"this load client {load['client_cpu_share']:.2f} cores"
        )
    mem = load["memory"]
    print(
        f"memory: {load['warm_sessions']} warm session(s) "
        f"{mib(mem['one_session']['servers_bytes'])}, "
        f"{load['sessions_open']} sessions {mib(mem['all_sessions']['servers_bytes'])}, "
        f"end {mib(mem['end']['servers_bytes'])}; per extra session "
        f"{mib(load['memory_per_extra_session_bytes'])}; "
        f"workers {mem['end']['workers']} × ≈"
        f"{mib(mem['end']['workers_bytes'] / max(1, mem['end']['workers']))}"
    )
    print(
        f"largest message: {load['largest_message_bytes'] / 1024:.0f} KiB; "
        f"steps skipped: {load['skipped_steps']}; error boxes: {load['error_boxes']}"
    )
    p95 = lat["all"]["p95_s"]
    per = load["memory_per_extra_session_bytes"]
    b = load["burst"]
    print(
        f"all {b['n']} sessions clicking at once: p50 {b['p50_s']:.3f} s, "
        f"last answered after {b['max_s']:.3f} s; errors {b['errors']}"
    )
    print(f"target p95 < 0.5 s: {'met' if p95 < 0.5 else 'MISSED'}")
    print(f"target no errors: {'met' if not load['errors'] else 'MISSED'}")
    if per is not None:
        print(f"target memory per extra session < 10 MB: {'met' if per < 10e6 else 'MISSED'}")


def report_hostile(result: dict) -> None:
    hostile = result["hostile"]
    pl = hostile["probe_latency"]
    print(
        f"\n== Hostile sessions: {hostile['attackers']} sessions submitting slow inputs "
        f"(each one per 0.5 s, {hostile['submitted_hostile']} in all), "
        f"{hostile['probes']} probe sessions, {hostile['rounds']} quiet/hostile rounds =="
    )
    print(f"  each hostile rerun costs a worker {hostile['cpu_per_attack_s']:.2f} s of CPU")
    for name in ("quiet", "hostile"):
        s = pl[name]
        print(f"  probes {name:6s} n={s['n']:4d}  p50 {s['p50_s']:.3f} s  p95 {s['p95_s']:.3f} s")
    d50, d95, ratio = hostile["delay_p50_s"], hostile["delay_p95_s"], hostile["median_ratio"]
    print(
        f"  delay: p50 {d50:+.3f} s, p95 {d95:+.3f} s; median {ratio:.2f}x quiet; "
        f"probe errors {hostile['probe_errors']}"
    )
    for name, used in hostile["cores_used"].items():
        print(
            f"  {name} windows: the server used {used['server']:.2f} cores, "
            f"its workers (alive at the window's end) {used['workers']:.2f}"
        )
    met = ratio is not None and ratio < 2
    print(f"target hostile median < 2x quiet median: {'met' if met else 'MISSED'}")
    met = pl["hostile"]["p95_s"] < 1
    print(f"target hostile p95 < 1 s: {'met' if met else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between actions, s")
    parser.add_argument("--replicas", type=int, default=1, help="> 1: replicas behind nginx")
    parser.add_argument("--workers", type=int, default=None, help="CALCLAB_WORKERS per replica")
    parser.add_argument("--url", default=None, help="an already running server (loopback)")
    parser.add_argument("--probes", type=int, default=5)
    parser.add_argument("--hostile", type=int, default=3, help="hostile sessions at once")
    parser.add_argument("--probe-think", type=float, default=1.0)
    parser.add_argument("--hostile-seconds", type=float, default=30.0, help="in total")
    parser.add_argument("--rounds", type=int, default=3, help="quiet/hostile alternations")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-hostile", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a Streamlit option for the servers, e.g. runner.postScriptGC=true",
    )
    parser.add_argument(
        "--inputs",
        choices=("distinct", "shared"),
        default="distinct",
        help="distinct: every request new (worst case); shared: a class following the teacher",
    )
    parser.add_argument(
        "--class-mode",
        action="store_true",
        help="students answer exercises in a class with a teacher view open (bench.class_mode)",
    )
    parser.add_argument("--database-url", default=None, help="class mode: a PostgreSQL URL")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.url and not args.url.startswith(
        ("http://127.0.0.1", "http://localhost", "http://[::1]")
    ):
        parser.error("--url must be a loopback address")
    args.sessions = max(1, min(args.sessions, 500))
    args.duration = max(1.0, min(args.duration, 1800.0))
    args.hostile_seconds = max(2.0, min(args.hostile_seconds, 300.0))
    args.hostile = max(1, min(args.hostile, 100))

    setup = args.url or (
        f"{args.replicas} replicas behind nginx" if args.replicas > 1 else "one server"
    )
    if args.workers:
        setup += f", CALCLAB_WORKERS={args.workers}"
    setup += f", {args.inputs} inputs"
    result = {
        "setup": setup,
        "cores": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    options = dict(item.split("=", 1) for item in args.set)
    if options:
        setup += ", " + ", ".join(f"{k}={v}" for k, v in options.items())
    if args.class_mode:
        return _class_mode(args, options, setup, result)
    with Target(args.url, args.replicas, args.workers, options) as target:
        if not args.skip_load:
            result["load"] = asyncio.run(load_phase(target, args))
        if not args.skip_hostile:
            result["hostile"] = asyncio.run(hostile_phase(target, args))
    if "load" in result:
        report_load(result, args)
    if "hostile" in result:
        report_hostile(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


def _class_mode(args, options: dict[str, str], setup: str, result: dict) -> int:
    from bench import class_mode

    env, store = class_mode.database(args)
    setup = setup.replace(", distinct inputs", "").replace(", shared inputs", "")
    setup += ", PostgreSQL" if args.database_url else ", SQLite"
    with Target(args.url, args.replicas, args.workers, options, env) as target:
        result["class_mode"] = class_mode.run(target, store, args)
    class_mode.report(result["class_mode"], setup, result["load_average_1min"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
