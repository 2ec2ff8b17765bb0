"""A Streamlit session without a browser: protobuf over the WebSocket at ``/_stcore/stream``.

The browser and the server speak Streamlit's own messages: the browser sends a
``BackMsg`` whose ``rerun_script`` carries the page, the query string and the
values of the widgets it changed; the server answers with ``ForwardMsg`` s
(``new_session``, ``navigation``, one ``delta`` per element, ``page_info_changed``
when the URL changes, and ``script_finished``). :class:`Session` does the same with
the ``websockets`` library (a dependency of Streamlit), so the load bench and the
proxy test can drive many real sessions cheaply.

Widgets are addressed by their ``key`` (the id Streamlit gives a keyed widget ends
in ``-<key>``); a value is encoded the way the browser encodes it for that widget
type (text: ``string_value``; number: ``int_value``/``double_value``; selectbox and
radio: the displayed option, or its index given as an ``int``).

Example (against a running server)::

    async with Session("http://127.0.0.1:8501") as s:
        run = await s.run(page="limits", query="f=sin(x)")
        run = await s.run(widgets={"f": "x^3"})
        print(run.seconds, run.errors, run.latex)
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

_FINISHED = ForwardMsg.ScriptFinishedStatus
_ALERT_ERROR = 1  # Alert.Format.ERROR
_LATEX = 4  # Markdown.Type.LATEX
_WIDGETS = {"text_input", "text_area", "number_input", "selectbox", "radio", "slider", "checkbox"}


@dataclass
class Run:
    """What one script run sent back."""

    seconds: float = 0.0
    status: str = "ok"  # ok | compile_error | timeout | closed
    elements: list[tuple[str, Any]] = field(default_factory=list)
    query_string: str = ""
    nbytes: int = 0  # all messages of the run
    largest: int = 0  # the largest single message

    def of(self, kind: str) -> list[Any]:
        return [proto for name, proto in self.elements if name == kind]

    @property
    def exceptions(self) -> list[str]:
        """Uncaught exceptions the page showed (there must never be any)."""
        return [f"{e.type}: {e.message}" for e in self.of("exception")]

    @property
    def errors(self) -> list[str]:
        """Error boxes (``st.error``): a page's answer to bad input."""
        return [a.body for a in self.of("alert") if a.format == _ALERT_ERROR]

    @property
    def latex(self) -> list[str]:
        return [m.body for m in self.of("markdown") if m.element_type == _LATEX]

    @property
    def text(self) -> str:
        """Markdown, LaTeX, headings, alerts and metrics, one per line (for assertions)."""
        parts = [m.body for m in self.of("markdown")]
        parts += [h.body for h in self.of("heading")]
        parts += [a.body for a in self.of("alert")]
        parts += [f"{m.label} {m.body}" for m in self.of("metric")]
        return "\n".join(parts)

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.exceptions


class Session:
    """One browser-like session. Use ``async with`` (connects and closes).

    Parameters
    ----------
    base_url : str
        ``http://host:port`` of the server or of the proxy in front of it.
    headers : dict
        Extra handshake headers (a ``Cookie`` for a sticky proxy, for example).
    """

    def __init__(self, base_url: str, *, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.headers = dict(headers or {})
        self.ws = None
        self.response_headers: dict[str, str] = {}
        self.widgets: dict[str, Any] = {}  # key -> latest widget proto
        self.widget_types: dict[str, str] = {}
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.query_string = ""

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self, timeout: float = 10.0) -> None:
        self.ws = await websockets.connect(
            self.url,
            subprotocols=["streamlit"],
            additional_headers=self.headers or None,
            max_size=64 * 2**20,
            open_timeout=timeout,
            ping_interval=None,  # the server pings; a busy bench must not time itself out
            # A session that sends without reading (bench.load's hostile ones) must still
            # answer the server's pings: with a bounded queue the library stops reading the
            # socket once 16 messages wait, and the server closes with "ping timeout".
            max_queue=None,
        )
        response = getattr(self.ws, "response", None)
        if response is not None:
            self.response_headers = {k.lower(): v for k, v in response.headers.raw_items()}

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    # -- one rerun
    def _widget_state(self, key: str, value: Any):
        proto = self.widgets.get(key)
        if proto is None:
            raise KeyError(f"no widget with key {key!r} on this page (have {sorted(self.widgets)})")
        kind = self.widget_types[key]
        msg = BackMsg().rerun_script.widget_states.widgets.add()
        msg.id = proto.id
        if kind in ("text_input", "text_area"):
            msg.string_value = str(value)
        elif kind == "number_input":
            if proto.data_type == 0:  # INT
                msg.int_value = int(value)
            else:
                msg.double_value = float(value)
        elif kind in ("selectbox", "radio"):
            msg.string_value = proto.options[value] if isinstance(value, int) else str(value)
        elif kind == "slider":
            if proto.options:  # select_slider: the displayed options
                msg.string_array_value.data.append(
                    proto.options[value] if isinstance(value, int) else str(value)
                )
            else:
                msg.double_array_value.data.append(float(value))
        elif kind in ("checkbox",):
            msg.bool_value = bool(value)
        else:
            raise TypeError(f"widget {key!r} is a {kind}; not supported here")
        return msg

    def rerun_request(
        self,
        *,
        page: str | None = None,
        query: str | None = None,
        widgets: dict[str, Any] | None = None,
    ) -> bytes:
        """The ``BackMsg`` a browser sends for a rerun (new page, query or widget values)."""
        back = BackMsg()
        state = back.rerun_script
        if page is not None:
            state.page_name = page
            state.page_script_hash = self.pages.get(page, "")
            self.query_string = ""
        else:  # a rerun of the page on screen, as the browser asks for it
            state.page_script_hash = self.page_hash
        if query is not None:
            self.query_string = query
        state.query_string = self.query_string
        for key, value in (widgets or {}).items():
            state.widget_states.widgets.append(self._widget_state(key, value))
        if page is not None:  # a new page draws new widgets
            self.widgets.clear()
            self.widget_types.clear()
        return back.SerializeToString()

    async def run(
        self,
        *,
        page: str | None = None,
        query: str | None = None,
        widgets: dict[str, Any] | None = None,
        timeout: float = 30.0,
    ) -> Run:
        """Ask for a rerun (optionally of another page, or with new widget values); wait for it.

        The run's time is from sending the request to receiving ``script_finished``
        (a run that was cut short by ``st.rerun()`` and restarted counts as one).
        """
        request = self.rerun_request(page=page, query=query, widgets=widgets)
        run = Run()
        start = time.perf_counter()
        try:
            await self.ws.send(request)
            run = await self.finish(timeout, start=start)
        except websockets.ConnectionClosed:
            run.status = "closed"
        run.seconds = time.perf_counter() - start
        return run

    async def finish(self, timeout: float = 30.0, *, start: float | None = None) -> Run:
        """Read messages until the current run finishes (or ``timeout`` passes)."""
        run = Run()
        start = time.perf_counter() if start is None else start
        deadline = start + timeout
        try:
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    run.status = "timeout"
                    break
                raw = await asyncio.wait_for(self.ws.recv(), left)
                run.nbytes += len(raw)
                run.largest = max(run.largest, len(raw))
                if self._absorb(raw, run):
                    break
        except TimeoutError:
            run.status = "timeout"
        except websockets.ConnectionClosed:
            run.status = "closed"
        run.seconds = time.perf_counter() - start
        run.query_string = self.query_string
        return run

    def _absorb(self, raw: bytes, run: Run) -> bool:
        """Record one ForwardMsg; True when the run is over."""
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            name = element.WhichOneof("type")
            proto = getattr(element, name)
            run.elements.append((name, proto))
            widget_id = getattr(proto, "id", "") if name in _WIDGETS else ""
            if widget_id.startswith("$$ID-") and widget_id.count("-") >= 2:
                key = widget_id.split("-", 2)[2]
                self.widgets[key] = proto
                self.widget_types[key] = name
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "script_finished":
            if msg.script_finished == _FINISHED.FINISHED_EARLY_FOR_RERUN:
                run.elements.clear()  # st.rerun(): the next run replaces what was drawn
                return False
            if msg.script_finished == _FINISHED.FINISHED_WITH_COMPILE_ERROR:
                run.status = "compile_error"
            return True
        return False


async def visit_and_type(base_url: str, f: str, *, route: str) -> tuple[Run, Run]:
    """A visitor behind deploy/'s nginx, pinned to one replica by its ``calclab_route``
    cookie, opens the limits page in English and types ``f``: both runs."""
    async with Session(base_url, headers={"Cookie": f"calclab_route={route}"}) as session:
        first = await session.run(page="limits", query="lang=en")
        typed = await session.run(widgets={"f": f})
        return first, typed


def run_sync(make: Callable[[], Awaitable[Any]], timeout: float = 300.0) -> Any:
    """Run ``make()`` to completion in a fresh event loop on its own thread.

    For synchronous callers that may already sit inside an event loop (Playwright's
    sync API keeps one running in the test process), where ``asyncio.run`` refuses.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(make())
        except BaseException as err:  # handed to the caller below
            box["error"] = err

    thread = threading.Thread(target=target, name="st-session", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"session work did not finish within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]
