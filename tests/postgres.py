"""A throw-away PostgreSQL server for tests: initdb into a temporary directory, a loopback
port, trust authentication, stopped and removed afterwards.

PostgreSQL comes from apt (``postgresql``; .ci/run installs it). ``initdb`` refuses to run
as root, so as root the server runs as the ``postgres`` user the package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from deploy.run_replicas import free_port

USER = "calclab"


def find_bin() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``: on the PATH, or Debian's newest version."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


def _as_owner() -> list[str]:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"]
    return []


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


@contextlib.contextmanager
def server() -> Iterator[str]:
    """Start a server; yield its URL (``postgresql://calclab@127.0.0.1:PORT/postgres``)."""
    bindir = find_bin()
    if bindir is None:
        raise FileNotFoundError("initdb not found: apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="calclab-pg-"))
    owner = _as_owner()
    if owner:
        shutil.chown(folder, "postgres")
    data, log = folder / "data", folder / "server.log"
    port = free_port()
    _run([*owner, str(bindir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust",
          "-E", "UTF8", "--no-sync"])  # fmt: skip
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    _run([*owner, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
          "-w", "-t", "60", "start"])  # fmt: skip
    try:
        yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(Exception):
            _run([*owner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url: str) -> str:
    """A new, empty database on the server of ``url``; its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name
