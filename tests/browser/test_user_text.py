"""Hostile text in a shared link stays text in Chromium, on Streamlit's own Markdown renderer.

Before the fix (issue 11), the chain-rule ``inner`` and ``at`` fields and the gradients
``at`` field echoed a link as a clickable link, an image as an image every visitor's
browser fetched, and ``$\\rule{1000em}{1em}$`` as a TeX box covering the page. Here
each is opened as a shared link on a real server: the error box shows the text, and
holds no ``<a>``, ``<img>`` or KaTeX, and the browser requests nothing from the host.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tools.browser import ERROR_BOX, EXCEPTION

pytestmark = pytest.mark.browser

HOST = "example.invalid"
PAYLOADS = [
    f"[x](https://{HOST})",
    f"![i](https://{HOST}/a.png)",
    r"$\rule{1000em}{1em}$",
    f"a`b``c $x$ https://{HOST}/bare",
]
FIELDS = {
    "chain-rule inner": ("chain-rule", lambda p: {"mode": "multi", "u": "x", "inner": f"{p} = a"}),
    "chain-rule at": ("chain-rule", lambda p: {"mode": "multi", "u": "x", "at": f"{p}=1"}),
    "gradients at": ("gradients", lambda p: {"f": "x1^2", "n": "2", "at": f"1, {p}"}),
}


@pytest.mark.parametrize("payload", PAYLOADS, ids=["link", "image", "tex", "backticks"])
@pytest.mark.parametrize("where", sorted(FIELDS))
def test_a_shared_link_cannot_put_markup_in_the_error_box(app, where, payload):
    requests: list[str] = []  # to the attacker's host; the page's own URL holds its name

    def watch(request) -> None:
        if urlsplit(request.url).hostname == HOST:
            requests.append(request.url)

    app.page.on("request", watch)
    app.open()  # a fresh server looks a first /chain-rule up by file name (see the GUIDE)
    slug, query = FIELDS[where]
    app.open(f"{slug}?{urlencode({**query(payload), 'lang': 'en'}, quote_via=quote)}")
    box = app.page.locator(ERROR_BOX).first
    expect(box).to_be_visible()
    expect(box.locator("code").filter(has_text=payload)).to_have_count(1)
    assert box.locator("a").count() == 0
    assert box.locator("img").count() == 0
    assert box.locator(".katex").count() == 0
    assert app.page.locator(EXCEPTION).count() == 0
    assert requests == []
