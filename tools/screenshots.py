"""``python -m tools.screenshots``: docs/screenshot-<page>[-phone][-zh].png and the home
page's previews.

The screenshots are taken by the browser test ``test_screenshot`` (tests/browser/
test_pages.py) from each page's shared link in its browser case, so they show what a
visitor of that link sees, through the same real server and Chromium as the tests;
``test_preview`` writes ``lab_ui/previews/<page>.png``, the home cards' small pictures,
from each card's link.
For readable Chinese in the sidebar, install a CJK font first (Debian:
``apt-get install fonts-noto-cjk``, as .ci/run does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
        if not fonts.strip():
            print("warning: no CJK font; Chinese text will show as boxes", file=sys.stderr)
    env = {**os.environ, "SCREENSHOTS": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["tests/browser/test_pages.py", "-k", "test_screenshot or test_preview"]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    pictures = [
        *(ROOT / "docs").glob("screenshot-*.png"),
        *(ROOT / "lab_ui/previews").glob("*.png"),
    ]
    for path in sorted(pictures):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KiB")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
