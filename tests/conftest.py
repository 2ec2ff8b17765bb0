"""Every test run stores its data in a temporary directory, never in the user's own."""

import os
import tempfile

os.environ.pop("CALCLAB_DATABASE_URL", None)
os.environ["CALCLAB_DATA"] = tempfile.mkdtemp(prefix="calclab-test-data-")
