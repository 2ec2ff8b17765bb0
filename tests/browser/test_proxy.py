"""Replicas behind nginx (deploy/): sticky sessions, WebSocket upgrades, start and stop.

Sessions are real Streamlit sessions over the proxied WebSocket (tools.st_session),
and one is a real Chromium. nginx's access log names the replica that served each
request, so the tests can show two replicas serving and each browser staying on one.
Locally these skip without nginx; under CI (``CI=true``) a missing nginx fails them.
"""

from __future__ import annotations

import asyncio
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from deploy.run_replicas import Cluster, _pid_alive, nginx_command, render_config
from tools.browser import CHART_MARKS, MAIN
from tools.st_session import Session, run_sync, visit_and_type

ROOT = Path(__file__).resolve().parents[2]
# ... "GET /_stcore/health HTTP/1.1" 200 route=<key> upstream=<tried, ..., served> rt=0.001
LOG_LINE = re.compile(r'" (?P<status>\d+) route=(?P<route>\S+) upstream=(?P<up>.+?) rt=')


@pytest.fixture(scope="module")
def cluster(nginx):
    with Cluster(replicas=2, nginx=nginx) as running:
        yield running


def served_by(cluster: Cluster, route: str, want: int = 1, timeout: float = 5.0) -> list[str]:
    """Upstreams that served requests with this route key (nginx logs a WebSocket on close)."""
    deadline = time.monotonic() + timeout
    while True:
        ups = []
        for line in cluster.access_log.read_text().splitlines():
            m = LOG_LINE.search(line)
            if m and m["route"] == route:
                ups.append(m["up"].split(", ")[-1])  # after a failover, the last one served
        if len(ups) >= want or time.monotonic() > deadline:
            return ups
        time.sleep(0.05)


def get(opener, url: str) -> tuple[str, dict[str, str]]:
    with opener.open(url, timeout=10) as response:
        return response.read().decode(), dict(response.headers.items())


class TestTheConfiguration:
    def test_the_template_fills_every_placeholder(self, tmp_path):
        text = render_config(tmp_path, [8001, 8002], listen_port=8080)
        assert not re.findall(r"@@[A-Z_]+@@", text)
        assert "server 127.0.0.1:8001" in text and "server 127.0.0.1:8002" in text
        assert "hash $calclab_route consistent;" in text

    def test_the_websocket_location_upgrades_the_connection(self, tmp_path):
        text = render_config(tmp_path, [8001], listen_port=8080)
        stream = text[text.index("location /_stcore/stream") :]
        assert "proxy_set_header Upgrade $http_upgrade;" in stream
        assert "proxy_set_header Connection $connection_upgrade;" in stream
        assert "proxy_read_timeout 1h;" in stream

    def test_tls_adds_a_certificate_a_secure_cookie_and_a_redirect(self, tmp_path):
        text = render_config(
            tmp_path,
            [8001],
            listen_port=443,
            listen_host="0.0.0.0",
            tls_cert="c.pem",
            tls_key="k.pem",
        )
        assert "listen 0.0.0.0:443 ssl;" in text and "ssl_certificate c.pem;" in text
        assert "SameSite=Lax; Secure" in text
        assert "return 301 https://$host$request_uri;" in text

    def test_nginx_accepts_it(self, nginx, tmp_path):
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp_path / sub).mkdir()
        conf = tmp_path / "nginx.conf"
        conf.write_text(render_config(tmp_path, [8001, 8002], listen_port=8080))
        check = subprocess.run(
            [*nginx_command(nginx, tmp_path, conf), "-t", "-q"], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


class TestStickySessions:
    def test_health_answers_through_the_proxy_and_sets_the_route_cookie(self, cluster):
        body, headers = get(urllib.request.build_opener(), f"{cluster.url}/_stcore/health")
        assert body == "ok"
        cookies = [v for k, v in headers.items() if k.lower() == "set-cookie"]
        assert any(c.startswith("calclab_route=") and "HttpOnly" in c for c in cookies), headers

    def test_a_browser_stays_on_the_replica_of_its_first_request(self, cluster):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        get(opener, f"{cluster.url}/")  # no cookie yet: routed by the key it is then given
        route = next(c.value for c in jar if c.name == "calclab_route")
        for _ in range(5):
            get(opener, f"{cluster.url}/_stcore/health")
        ups = served_by(cluster, route, want=6)
        assert len(ups) == 6 and len(set(ups)) == 1, ups

    def test_two_replicas_serve_real_sessions_each_on_one_replica(self, cluster):
        """Sessions with different cookies spread over the replicas (consistent hashing
        of a random key: with 2 replicas, 24 sessions all on one has odds 2^-23)."""
        replicas = {f"127.0.0.1:{r.port}" for r in cluster.replicas}
        by_replica: dict[str, list[str]] = defaultdict(list)
        for i in range(24):
            route = f"test-session-{i}-{os.getpid()}"
            f = f"{i + 2}x^2"
            first, typed = run_sync(lambda r=route, f=f: visit_and_type(cluster.url, f, route=r))
            assert first.ok and typed.ok, (first.status, first.exceptions, typed.exceptions)
            assert any(f"{i + 2} x^{{2}}" in latex for latex in typed.latex), typed.latex
            ups = served_by(cluster, route)
            assert len(set(ups)) == 1, ups  # the WebSocket upgrade went to one replica
            by_replica[ups[0]].append(route)
            if len(by_replica) == 2 and min(map(len, by_replica.values())) >= 2:
                break
        assert set(by_replica) == replicas, dict(by_replica)

    def test_a_stopped_replica_moves_only_its_own_browsers(self, nginx):
        """Consistent hashing: browsers of the live replica stay; the others fail over."""
        with Cluster(replicas=2, nginx=nginx) as small:
            opener = urllib.request.build_opener()

            def ask(route: str) -> None:
                request = urllib.request.Request(
                    f"{small.url}/_stcore/health", headers={"Cookie": f"calclab_route={route}"}
                )
                with opener.open(request, timeout=15) as response:
                    assert response.read() == b"ok"

            routes = [f"r{i}" for i in range(12)]
            for route in routes:
                ask(route)
            before = {route: served_by(small, route)[0] for route in routes}
            live = f"127.0.0.1:{small.replicas[0].port}"
            small.replicas[1].stop()
            for route in routes:
                ask(route)
            after = {route: served_by(small, route, want=2)[-1] for route in routes}
            assert set(after.values()) == {live}
            kept = [r for r in routes if before[r] == live]
            assert kept and all(after[r] == live for r in kept)


class TestTheScript:
    def test_start_records_the_processes_and_stop_ends_exactly_them(self, nginx, tmp_path):
        state = tmp_path / "state.json"
        script = ROOT / "deploy" / "run_replicas.py"
        started = subprocess.run(
            [sys.executable, str(script), "start", "1", "--state", str(state), "--nginx", nginx],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert started.returncode == 0, started.stderr
        recorded = json.loads(state.read_text())
        pids = [p["pid"] for p in recorded["processes"]]
        try:
            with urllib.request.urlopen(f"{recorded['url']}/_stcore/health", timeout=10) as r:
                assert r.read() == b"ok"
            assert all(_pid_alive(pid) for pid in pids)
        finally:
            stopped = subprocess.run(
                [sys.executable, str(script), "stop", "--state", str(state)],
                capture_output=True,
                text=True,
                timeout=120,
            )
        assert stopped.returncode == 0, stopped.stderr
        assert not any(_pid_alive(pid) for pid in pids)
        assert not state.exists()
        shutil.rmtree(recorded["run_dir"], ignore_errors=True)

    @pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
    def test_tls_serves_https_with_a_secure_cookie(self, nginx, tmp_path):
        cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
        openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        openssl += ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)]
        subprocess.run(openssl, check=True, capture_output=True)
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False  # the certificate names an IP, not a host
        with Cluster(replicas=1, nginx=nginx, tls_cert=str(cert), tls_key=str(key)) as tls:
            assert tls.url.startswith("https://")
            request = urllib.request.Request(f"{tls.url}/_stcore/health")
            with urllib.request.urlopen(request, timeout=30, context=context) as response:
                assert response.read() == b"ok"
                cookie = response.headers["Set-Cookie"] or ""
                cookies = response.headers.get_all("Set-Cookie") or [cookie]
            assert any("calclab_route=" in c and "Secure" in c for c in cookies), cookies


@pytest.mark.browser
class TestABrowserThroughTheProxy:
    def test_pages_load_and_update_through_nginx(self, cluster, new_app):
        """Chromium's WebSocket (Origin and Host checked by Streamlit) passes the proxy."""
        apps = [new_app(cluster.url), new_app(cluster.url)]
        for i, app in enumerate(apps):
            app.open(f"limits?f={i + 5}x^3&lang=en")
            expect(app.main).to_contain_text(f"{i + 5} x^{{3}}")
            app.type_into("f", f"{i + 7}x^2")
            expect(app.main).to_contain_text(f"{i + 7} x^{{2}}")
            assert app.query()["f"] == f"{i + 7}x^2"
            assert not app.exceptions()

    @pytest.mark.parametrize(
        ("path", "drawn"),
        [
            ("", "img"),
            ("limits", CHART_MARKS),
            ("tangent", CHART_MARKS),
            ("gradients", CHART_MARKS),
            ("chain-rule", '[data-testid="stGraphVizChart"] svg'),
            ("exercises", MAIN),
        ],
    )
    def test_the_content_security_policy_blocks_nothing_the_pages_use(
        self, cluster, new_app, path, drawn
    ):
        """Charts (Vega) and the chain-rule graph (graphviz, WebAssembly) draw under the
        policy nginx sends, and the browser reports no violation."""
        app = new_app(cluster.url)
        violations: list[str] = []

        def note(message) -> None:  # the page's own report, or Chromium's refusal message
            if message.text.startswith("CSP ") or "Content Security Policy" in message.text:
                violations.append(message.text)

        app.page.on("console", note)
        app.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.log("
            "'CSP ' + e.violatedDirective + ' ' + e.blockedURI))"
        )
        app.open(f"{path}?lang=en")
        app.page.wait_for_selector(drawn, timeout=30_000)
        assert not app.exceptions()
        assert not violations, violations


class TestSecurityHeaders:
    @pytest.mark.parametrize("path", ["/", "/_stcore/health", "/static/does-not-exist.js"])
    def test_every_response_carries_them(self, cluster, path):
        request = urllib.request.Request(f"{cluster.url}{path}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                headers = response.headers
        except urllib.error.HTTPError as err:  # a 404 must carry them too
            headers = err.headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"

    @pytest.mark.parametrize(
        ("host", "status"), [("127.0.0.1", 101), ("localhost", 101), ("evil.example", 403)]
    )
    def test_the_websocket_accepts_only_the_names_the_app_is_served_under(
        self, cluster, host, status
    ):
        """DNS rebinding: a page on evil.example whose name resolves to this server is
        refused (server.allowedHosts; the replicas get the names nginx serves)."""
        address = urlsplit(cluster.url)
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13"}
        upgrade["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ=="
        conn.request(
            "GET", "/_stcore/stream", headers={"Host": f"{host}:{address.port}", **upgrade}
        )
        assert conn.getresponse().status == status
        conn.close()

    def test_a_request_body_over_one_megabyte_is_refused(self, cluster):
        host = urlsplit(cluster.url)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        conn.request("POST", "/_stcore/upload_file/x/y", body=b"0" * (1024 * 1024 + 1))
        assert conn.getresponse().status == 413
        conn.close()


# ----------------------------------------------------------------------------- one address


def record_page_load(browser, url: str) -> dict[str, int]:
    """The paths a real Chromium requests to show the limits page with its charts (the
    heaviest first visit), with the status each got (Streamlit's own probes of
    ``/limits/_stcore/...`` are 404s). The WebSocket is left out: it is opened apart."""
    context = browser.new_context()
    seen: dict[str, int] = {}
    page = context.new_page()
    page.on("response", lambda r: seen.setdefault(urlsplit(r.url).path or "/", r.status))
    page.goto(f"{url}/limits?lang=en")
    page.wait_for_selector(CHART_MARKS, timeout=60_000)
    context.close()
    seen.pop("/_stcore/stream", None)
    return seen


def fetch_all(url: str, paths: list[str], route: str, source: str = "127.0.0.1") -> Counter:
    """One client's HTTP requests over one keep-alive connection; status counts.

    ``source`` is the client's address (any 127.x.y.z reaches nginx on 127.0.0.1): nginx
    counts its limits per address, so each test can be a client of its own."""
    host = urlsplit(url)
    conn = http.client.HTTPConnection(
        host.hostname, host.port, timeout=60, source_address=(source, 0)
    )
    statuses: Counter = Counter()
    try:
        for path in paths:
            conn.request("GET", path, headers={"Cookie": f"calclab_route={route}"})
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
    finally:
        conn.close()
    return statuses


async def open_sessions(url: str, routes: list[str]) -> list:
    async def one(route: str):
        async with Session(url, headers={"Cookie": f"calclab_route={route}"}) as s:
            return await s.run(page="limits", query="lang=en", timeout=120)

    return await asyncio.gather(*(one(r) for r in routes), return_exceptions=True)


@pytest.fixture(scope="module")
def class_cluster(nginx):
    """A cluster of its own: the limits are per address, and these tests use them up."""
    with Cluster(replicas=2, nginx=nginx) as running:
        yield running


class TestOneAddressForAWholeClass:
    """A school NAT: every student has the same address. The limits let a class in and
    keep a single client from opening hundreds of connections."""

    CLASS = 60
    CONNECTIONS_PER_BROWSER = 6  # Chromium's limit per host over HTTP/1.1

    @pytest.mark.browser
    def test_sixty_browsers_loading_at_once_all_get_in(self, class_cluster, browser):
        alone = record_page_load(browser, class_cluster.url)
        paths = list(alone)
        assert len(paths) > 50, paths  # Streamlit's JavaScript comes in many chunks
        routes = [f"class-{i}-{os.getpid()}" for i in range(self.CLASS)]
        # Each browser's requests spread over 6 connections, all 60 browsers at once.
        jobs = [
            (route, paths[k :: self.CONNECTIONS_PER_BROWSER])
            for route in routes
            for k in range(self.CONNECTIONS_PER_BROWSER)
        ]
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            sessions = pool.submit(run_sync, lambda: open_sessions(class_cluster.url, routes))
            counts = sum(
                pool.map(lambda job: fetch_all(class_cluster.url, job[1], job[0]), jobs), Counter()
            )
            runs = sessions.result()
        seconds = time.monotonic() - started
        # Every request got what it got for a browser alone: none refused (429, 503).
        expected = Counter(
            {status: n * self.CLASS for status, n in Counter(alone.values()).items()}
        )
        assert counts == expected, (counts, f"{seconds:.1f} s")
        failed = [
            r if isinstance(r, Exception) else r.status for r in runs if not getattr(r, "ok", False)
        ]
        assert not failed, failed

    def test_one_client_flooding_requests_is_refused_after_its_burst(self, class_cluster):
        """600 at once pass (10 classes' page loads), then 20 a second."""
        statuses = fetch_all(class_cluster.url, ["/_stcore/health"] * 1200, "f", "127.0.0.2")
        assert statuses[429] > 0 and statuses[200] >= 600, statuses

    def test_one_client_opening_hundreds_of_websockets_is_refused(self, class_cluster):
        """nginx refuses the WebSocket requests over its burst of 120 with 429 before they
        reach a replica (plain GETs here: no session is created for the ones let through)."""
        statuses = fetch_all(class_cluster.url, ["/_stcore/stream"] * 300, "s", "127.0.0.3")
        assert statuses[429] > 0 and sum(statuses.values()) - statuses[429] >= 120, statuses
