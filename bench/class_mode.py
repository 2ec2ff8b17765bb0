"""``python -m bench.load --class-mode``: a class answering exercises while the teacher watches.

Students are real Streamlit sessions (:mod:`tools.st_session`), each with its own
anonymous browser id (the ``calclab_browser`` cookie a browser would carry). They open
the English edition's xˣ exercise and answer it in turn: typical wrong answers (so
that the teacher's "most common wrong answers" have something to group), a wrong
answer of their own, then the right one, pausing a think time between answers, and
over again. Two phases in the same run, on the same server:

1. **quiet reference** — the students answer without a class and nobody watches;
2. **class mode** — the same number of students joined to a class (``?class=CODE``),
   every answer recorded, and one teacher view open, refreshed every few seconds as the
   browser does it (a fragment rerun, ``st.fragment(run_every=...)``).

The two alternate in ``--rounds`` windows each (``--duration`` seconds of each in all),
so that drift on a shared machine affects both alike.

Reported: the students' answer latency (request -> ``script_finished``) in both
phases, their ratio, the teacher view's refresh latency, and whether every answer
checked in class reached the database (answers recorded / answers checked). The
server's data goes to a temporary ``CALCLAB_DATA`` (SQLite), or to
``--database-url``; the class is made by the bench through :mod:`lab_store`, as the
Class page's button would.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import secrets
import statistics
import tempfile
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from calc_core import exercises as ex
from lab_store import classes, config, stats
from lab_store.store import Store
from tools.st_session import Session

N = ex.number_in("en", "power_tower")
BOX = f"answer_en_{N}"
COMMON_WRONG = ["x^x", "x*x^(x-1)", "x^x ln(x)"]
RIGHT = "x^x (ln(x) + 1)"
RUN_TIMEOUT = 30.0
RUN_ID = secrets.token_hex(8)  # students' browser ids differ from one bench run to the next


class Teacher(Session):
    """A session that remembers the fragment the page asked to rerun every few seconds."""

    fragment_id = ""
    interval = 0.0

    def _absorb(self, raw: bytes, run) -> bool:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "auto_rerun":
            self.fragment_id = msg.auto_rerun.fragment_id
            self.interval = msg.auto_rerun.interval
        return super()._absorb(raw, run)

    async def refresh(self):
        """The fragment rerun a browser sends every ``interval`` seconds."""
        back = BackMsg()
        back.ParseFromString(self.rerun_request())
        back.rerun_script.fragment_id = self.fragment_id
        back.rerun_script.is_auto_rerun = True
        start = time.perf_counter()
        await self.ws.send(back.SerializeToString())
        return await self.finish(RUN_TIMEOUT, start=start)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")
    )


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_s": statistics.median(values) if values else float("nan"),
        "p95_s": percentile(values, 0.95),
        "max_s": max(values) if values else float("nan"),
    }


async def warm(url: str, replicas: int) -> None:
    """Check every shared answer once per replica (imports, workers, each process's cache),
    before either phase. Behind nginx a session lands on a random replica: 2n + 2 sessions
    miss one of n replicas with odds below 2^-5 for two."""
    for _ in range(1 if replicas <= 1 else 2 * replicas + 2):
        async with Session(url) as session:
            await session.run(page="exercises", query=f"lang=en&n={N}", timeout=60)
            for text in [*COMMON_WRONG, RIGHT]:
                for pad in range(3):
                    await session.run(widgets={BOX: text + " " * pad}, timeout=60)


async def _student(url, index, code, stop_at, think, rng, out, salt) -> None:
    browser = hashlib.sha256(f"{RUN_ID}-{index}".encode()).hexdigest()[:32]  # one per student
    session = Session(url, headers={"Cookie": f"calclab_browser={browser}"})
    try:
        await session.connect(timeout=20)
    except Exception as err:  # counted, not raised
        out["errors"].append(f"connect: {type(err).__name__}")
        return
    query = f"lang=en&n={N}" + (f"&class={code}" if code else "")
    opened = await session.run(page="exercises", query=query, timeout=RUN_TIMEOUT)
    if opened.status != "ok" or BOX not in session.widgets:
        out["errors"].append(f"open: {opened.status}")
        await session.close()
        return
    await asyncio.sleep(rng.uniform(0, think))
    k = 0
    while time.time() < stop_at:
        own = f"x^x (ln(x) + {salt + index + 2})"  # a slip of its own: new to the cache
        answers = [*rng.sample(COMMON_WRONG, 2), own, RIGHT]
        for text in answers:
            if time.time() >= stop_at:
                break
            # a new text each time, as a student editing the box (spaces change nothing read)
            run = await session.run(widgets={BOX: text + " " * (k % 3)}, timeout=RUN_TIMEOUT)
            k += 1
            if run.status != "ok" or run.exceptions:
                out["errors"].append(run.status if run.status != "ok" else "exception")
            else:
                out["answers"].append(run.seconds)
            await asyncio.sleep(min(rng.uniform(0.5, 1.5) * think, max(0, stop_at - time.time())))
    await session.close()


async def _teacher(url, code, key, stop_at, out) -> None:
    teacher = Teacher(url)
    await teacher.connect(timeout=20)
    run = await teacher.run(page="class", query=f"lang=en&teach={code}&key={key}")
    if run.status != "ok" or not teacher.fragment_id:
        out["errors"].append("teacher view did not open")
        return
    while time.time() < stop_at:
        await asyncio.sleep(teacher.interval)
        run = await teacher.refresh()
        if run.status == "ok" and not run.exceptions:
            out["refreshes"].append(run.seconds)
        else:
            out["errors"].append(f"teacher: {run.status}")
    await teacher.close()


async def _phase(url, sessions, duration, think, seed, salt, code=None, key=None) -> dict:
    out: dict[str, list] = {"answers": [], "refreshes": [], "errors": []}
    stop_at = time.time() + duration
    rng = random.Random(seed)
    tasks = [
        _student(url, i, code, stop_at, think, random.Random(rng.random()), out, salt)
        for i in range(sessions)
    ]
    if code:
        tasks.append(_teacher(url, code, key, stop_at, out))
    await asyncio.gather(*tasks)
    return out


def _per(before: float | None, after: float | None, count: int) -> float | None:
    return None if before is None or after is None or not count else (after - before) / count


def database(args) -> tuple[dict[str, str], Store]:
    """The servers' environment and the bench's own door to the same database."""
    if args.database_url:
        env = {"CALCLAB_DATABASE_URL": args.database_url}
    else:
        env = {"CALCLAB_DATA": tempfile.mkdtemp(prefix="calclab-bench-data-")}
    return env, Store(config.from_env(env))


def run(target, store: Store, args) -> dict:
    """Both phases against ``target`` (already started with the environment above)."""
    sessions, duration, think = args.sessions, args.duration, args.think
    asyncio.run(warm(target.url, len(target.pids())))
    started = store.transact(classes.start, time.time(), 1, default=None)
    if started is None:
        raise SystemExit("cannot create a class in the bench's database")
    # quiet and class windows alternate, so that drift on a shared machine hits both alike
    runs = {name: {"answers": [], "refreshes": [], "errors": []} for name in ("quiet", "class")}
    cpu: dict[str, float | None] = {"quiet": 0.0, "class": 0.0}
    window = duration / args.rounds
    for r in range(args.rounds):
        for k, (name, code, key) in enumerate(
            (("quiet", None, None), ("class", started.code, started.key))
        ):
            before = target.cpu()
            out = asyncio.run(
                _phase(
                    target.url,
                    sessions,
                    window,
                    think,
                    args.seed + r,
                    1000 * (2 * r + k),
                    code,
                    key,
                )
            )
            after = target.cpu()
            for field, values in out.items():
                runs[name][field] += values
            used = None if before is None or after is None else after - before
            cpu[name] = None if used is None or cpu[name] is None else cpu[name] + used
    quiet, cls = runs["quiet"], runs["class"]
    time.sleep(2.0)  # the servers' writer threads finish their queues
    parts = store.read(stats.parts, started.id, default=[])
    wrong = store.read(stats.wrong_answers, started.id, 1, default=[])
    recorded = sum(p.attempts for p in parts)
    quiet_p50 = summary(quiet["answers"])["p50_s"]
    class_p50 = summary(cls["answers"])["p50_s"]
    return {
        "sessions": sessions,
        "rounds": args.rounds,
        "quiet": {"answers": summary(quiet["answers"]), "errors": quiet["errors"][:5]},
        "class": {
            "answers": summary(cls["answers"]),
            "teacher_refresh": summary(cls["refreshes"]),
            "errors": cls["errors"][:5],
            "error_count": len(cls["errors"]),
        },
        "median_ratio": class_p50 / quiet_p50 if quiet_p50 else None,
        # server CPU (all replicas) per answer checked, the teacher's refreshes included
        "cpu_per_answer_s": {
            "quiet": _per(0.0, cpu["quiet"], len(quiet["answers"])),
            "class": _per(0.0, cpu["class"], len(cls["answers"])),
        },
        "p95_ratio": summary(cls["answers"])["p95_s"] / summary(quiet["answers"])["p95_s"],
        "checked_in_class": len(cls["answers"]),
        "recorded": recorded,
        "students_seen": max((p.tried for p in parts), default=0),
        "top_wrong": (wrong[0].answer, wrong[0].count) if wrong else None,
    }


def report(result: dict, setup: str, load_average) -> None:
    q, c = result["quiet"]["answers"], result["class"]["answers"]
    r = result["class"]["teacher_refresh"]
    print(f"\n== Class mode: {result['sessions']} students answering, {setup} ==")
    print(f"load average at start: {load_average}  (the machine is shared)")
    print(
        f"  quiet reference  answers n={q['n']:5d}  p50 {q['p50_s']:.3f} s  p95 {q['p95_s']:.3f} s"
    )
    print(
        f"  class mode       answers n={c['n']:5d}  p50 {c['p50_s']:.3f} s  p95 {c['p95_s']:.3f} s"
    )
    print(
        f"  teacher view     refresh n={r['n']:3d}  p50 {r['p50_s']:.3f} s  p95 {r['p95_s']:.3f} s"
    )
    print(
        f"  class / quiet: median {result['median_ratio']:.2f}x, p95 {result['p95_ratio']:.2f}x; "
        f"errors {result['class']['error_count']}"
    )
    cpu = result["cpu_per_answer_s"]
    if None not in cpu.values():
        print(
            f"  server CPU per answer: quiet {1e3 * cpu['quiet']:.1f} ms, class mode "
            f"{1e3 * cpu['class']:.1f} ms (the teacher view's refreshes included)"
        )
    checked = result["checked_in_class"]
    print(
        f"  recorded {result['recorded']} of {checked} answers checked in class; students "
        f"seen {result['students_seen']}; most common wrong answer {result['top_wrong']}"
    )
