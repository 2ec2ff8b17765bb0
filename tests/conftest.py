"""Shared by every suite: data in a temporary directory, and a PostgreSQL when one is asked for.

Every test run stores its data in a temporary directory, never in the user's own. The
``postgres_url`` fixture starts a throw-away PostgreSQL (tests/postgres.py): locally a
missing PostgreSQL skips the tests that need it, with the reason; under CI (``CI=true``)
it fails them, because .ci/run installs it.
"""

import os
import tempfile
from collections.abc import Iterator

import pytest

from tests import postgres

os.environ.pop("CALCLAB_DATABASE_URL", None)
os.environ["CALCLAB_DATA"] = tempfile.mkdtemp(prefix="calclab-test-data-")
IN_CI = os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A running PostgreSQL server for this test session (its ``postgres`` database)."""
    if postgres.find_bin() is None:
        reason = "PostgreSQL not found (initdb): apt-get install postgresql"
        if IN_CI:
            pytest.fail(f"{reason} — under CI=true PostgreSQL must be tested", pytrace=False)
        pytest.skip(reason)
    with postgres.server() as url:
        yield url
