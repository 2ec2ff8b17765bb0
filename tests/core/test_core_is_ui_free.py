"""calc_core is the pure package: importing all of it loads no UI or dataframe library."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_LIBRARIES = ("streamlit", "altair", "pandas")

_PROBE = f"""
import importlib, pkgutil, sys
import calc_core
names = [m.name for m in pkgutil.walk_packages(calc_core.__path__, "calc_core.")]
for name in names:
    importlib.import_module(name)
print(len(names))
loaded = [lib for lib in {UI_LIBRARIES!r} if lib in sys.modules]
print(",".join(loaded))
"""


def test_importing_every_calc_core_module_loads_no_ui_library():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    count, loaded = done.stdout.splitlines()
    assert int(count) >= 5  # parser, tokens, errors, numeric, guard, ...
    assert loaded == "", f"calc_core imported {loaded}"


def test_ruff_bans_ui_imports_in_calc_core():
    config = tomllib.loads((ROOT / "calc_core" / "ruff.toml").read_text(encoding="utf-8"))
    banned = config["lint"]["flake8-tidy-imports"]["banned-api"]
    assert {"streamlit", "altair"} <= set(banned)
    assert all(banned[lib]["msg"] for lib in banned)
