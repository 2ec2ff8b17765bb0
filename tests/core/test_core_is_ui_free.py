"""calc_core is the pure package: importing all of it loads no UI or dataframe library."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_LIBRARIES = ("streamlit", "altair", "pandas")
#: The numeric libraries calc_core may import, and the modules allowed to (None: any):
#: ml_dtypes (bfloat16) in the formats module alone; PyTorch, optional, only as a witness.
NUMERIC_LIBRARIES = {
    "numpy": None,
    "sympy": None,
    "mpmath": None,
    "ml_dtypes": {"precision"},
    "torch": {"backprop", "gradcheck"},
}

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


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level packages imported by each calc_core module, other than calc_core and stdlib."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "calc_core").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "calc_core" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(path.stem)
    return found


def test_calc_core_imports_only_numeric_libraries():
    assert set(_third_party_imports()) <= set(NUMERIC_LIBRARIES)


def test_ml_dtypes_is_imported_by_the_precision_module_alone():
    for library, importers in _third_party_imports().items():
        allowed = NUMERIC_LIBRARIES[library]
        assert allowed is None or importers <= allowed, (library, importers)
    assert _third_party_imports()["ml_dtypes"] == {"precision"}
