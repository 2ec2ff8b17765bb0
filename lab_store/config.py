"""Where the data lives and for how long: read from the environment, with sensible defaults.

``CALCLAB_DATABASE_URL``
    ``postgresql://user:password@host:5432/db`` selects PostgreSQL (through psycopg 3).
    Unset: SQLite in ``CALCLAB_DATA``.
``CALCLAB_DATA``
    The data directory, created on first use. Default: the platform's per-user data
    directory (``%LOCALAPPDATA%\\CalculusLab`` on Windows, ``~/Library/Application
    Support/CalculusLab`` on macOS, ``$XDG_DATA_HOME/calclab`` or
    ``~/.local/share/calclab`` elsewhere).
``CALCLAB_RETENTION_DAYS``
    How long a class and its attempts are kept after it starts (default 30).
``CALCLAB_PROGRESS_DAYS``
    How long a browser's solved parts are kept after its last solved part (default 180).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_RETENTION_DAYS = 30
DEFAULT_PROGRESS_DAYS = 180


@dataclass(frozen=True)
class Settings:
    """The storage settings of one process."""

    url: str
    retention_days: int = DEFAULT_RETENTION_DAYS
    progress_days: int = DEFAULT_PROGRESS_DAYS

    @property
    def backend(self) -> str:
        """``"postgresql"`` or ``"sqlite"``."""
        return "postgresql" if self.url.startswith("postgresql") else "sqlite"


def default_data_dir(env: dict[str, str] | None = None, platform: str = sys.platform) -> Path:
    """The per-user data directory when ``CALCLAB_DATA`` is not set.

    >>> str(default_data_dir({"HOME": "/home/ada"}, "linux"))
    '/home/ada/.local/share/calclab'
    >>> str(default_data_dir({"HOME": "/home/ada", "XDG_DATA_HOME": "/data"}, "linux"))
    '/data/calclab'
    """
    env = dict(os.environ) if env is None else env
    home = Path(env.get("HOME") or Path.home())
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "CalculusLab"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "CalculusLab"
    return Path(env.get("XDG_DATA_HOME") or home / ".local" / "share") / "calclab"


def database_url(url: str) -> str:
    """The SQLAlchemy URL for a ``CALCLAB_DATABASE_URL``: plain ``postgresql://`` means psycopg 3.

    >>> database_url("postgresql://lab@db:5432/lab")
    'postgresql+psycopg://lab@db:5432/lab'
    >>> database_url("postgres://lab@db/lab")
    'postgresql+psycopg://lab@db/lab'
    >>> database_url("sqlite:////tmp/x.db")
    'sqlite:////tmp/x.db'
    """
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def _days(env: dict[str, str], name: str, default: int) -> int:
    try:
        value = int(env.get(name, default))
    except ValueError:
        return default
    return value if value >= 1 else default


def from_env(env: dict[str, str] | None = None) -> Settings:
    """The settings from the environment (the SQLite file's directory is made on first use)."""
    env = dict(os.environ) if env is None else env
    retention = _days(env, "CALCLAB_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    progress = _days(env, "CALCLAB_PROGRESS_DAYS", DEFAULT_PROGRESS_DAYS)
    if env.get("CALCLAB_DATABASE_URL"):
        return Settings(database_url(env["CALCLAB_DATABASE_URL"]), retention, progress)
    folder = Path(env["CALCLAB_DATA"]) if env.get("CALCLAB_DATA") else default_data_dir(env)
    return Settings(f"sqlite:///{(folder / 'calclab.db').as_posix()}", retention, progress)
