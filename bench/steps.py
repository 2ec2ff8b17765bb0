"""``python -m bench.steps [--core DIR] [--reps N]``: the step engine's time on long inputs.

Each input is derived step by step (``calc_core.diffsteps.steps``: the rule tree, its
lines, a shorter form and the check against sympy) in a child process, warm (one call
first), and the median of ``--reps`` calls is printed beside the reference measured in
the same child: ``sympy.diff`` of the same parsed expression. ``--core DIR`` measures
the ``calc_core`` of another checkout (the tree before a change) on the same inputs;
inputs its grammar refuses are reported as such.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The long inputs of issue 14 (a 6-factor rational quotient, x^x^x), then the new grammar.
INPUTS = (
    "(x+1)(x-2)(x+3)/((x-4)(x+5)(x-6))",
    "(x^2+1)(x^3-2)(x+3)^2/((x^2-4)(x+5)^3(x^4-6))",
    "x^x^x",
    "sin(x)^cos(x)",
    "exp(sin(x^2)) log(1 + x^2) / sqrt(1 + tanh(x)^2)",
    "sec(x)^tan(x) + csc(x^2) cot(x)",
    "asec(x^2+1) acsc(x+2) / acot(x^3) + asinh(x) acosh(x^2+2) atanh(x/3)",
    "f(x)*g(x)",
    "f(g(x))/g(f(x))",
    "f(sin(g(x)))^2 sec(f(x))",
)
CHILD = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import sympy as sp
from calc_core.diffsteps import steps
from calc_core.errors import InputError
from calc_core.parser import parse, symbol
reps = int(sys.argv[2])
for line in sys.stdin:
    text = json.loads(line)
    try:
        r = steps(text)
    except InputError as err:
        print(json.dumps({"text": text, "refused": err.code}), flush=True)
        continue
    times, ref = [], []
    for _ in range(reps):
        t0 = time.perf_counter(); steps(text); times.append(time.perf_counter() - t0)
    try:
        expr = parse(text, ("x",), functions=("f", "g"))
    except TypeError:  # a checkout without abstract functions
        expr = parse(text)
    for _ in range(reps):
        t0 = time.perf_counter(); sp.diff(expr, symbol("x")); ref.append(time.perf_counter() - t0)
    print(json.dumps({"text": text, "check": r.check, "lines": len(r.lines),
                      "median": statistics.median(times), "sympy": statistics.median(ref)}),
          flush=True)
"""


def run(core: Path, reps: int) -> list[dict]:
    """Every input through the child process on ``core``'s calc_core."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(core), str(reps)],
        input="".join(json.dumps(text) + "\n" for text in INPUTS),
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core", type=Path, default=ROOT, help="checkout whose calc_core runs")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    print(f"calc_core from {args.core}; median of {args.reps} warm calls")
    print(f"{'input':<72} {'steps s':>8} {'diff s':>8} {'ratio':>6}  check")
    for r in run(args.core, args.reps):
        if "refused" in r:
            print(f"{r['text']:<72} {'refused: ' + r['refused']}")
            continue
        ratio = r["median"] / r["sympy"]
        print(f"{r['text']:<72} {r['median']:8.3f} {r['sympy']:8.4f} {ratio:6.0f}  {r['check']}")


if __name__ == "__main__":
    main()
