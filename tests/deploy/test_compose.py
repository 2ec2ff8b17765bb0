"""The container stack (Dockerfile, deploy/nginx/Dockerfile, compose.yaml) serves real sessions.

Builds both images, starts nginx in front of two app replicas with ``compose up --scale
app=2``, drives real Streamlit sessions through nginx (tools.st_session) until both
replicas have served one, and takes the stack down again.

Docker and a compose (``docker compose`` or Debian's ``docker-compose``) must be there:
locally the test skips without them, with the reason; under CI (``CI=true``) it fails,
because .ci/run installs them and starts dockerd. Settings from the environment:

- ``CALCLAB_DOCKER``: the docker client (default: ``docker`` on the PATH). It must build
  with BuildKit (the Dockerfile mounts a build secret).
- ``CALCLAB_DOCKER_BASE``: the base image of both images (CI: one made by debootstrap, as
  no registry is reachable there); by default the Dockerfiles' own (python:3.12-slim,
  debian:bookworm-slim).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest

from deploy.run_replicas import free_port, wait_http
from tools.st_session import run_sync, visit_and_type

# Building both images from nothing (CI: no cache) takes minutes on a busy 2-core machine.
pytestmark = pytest.mark.timeout(1200)

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").strip().lower() == "true"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")  # pip's CA where a proxy needs one
# nginx's access log line (deploy/nginx.conf.template): ... route=<key> upstream=<addr> rt=
ROUTE = re.compile(r"route=(?P<route>\S+) upstream=(?P<up>\S+) rt=")


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} — under CI=true the container stack must be tested", pytrace=False)
    pytest.skip(reason)


def run(cmd: list[str], timeout: float = 600, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def find_compose(docker: str) -> list[str] | None:
    """``docker compose`` (v2) if the client has it, else Debian's ``docker-compose``."""
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
    if probe.returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


class Stack(NamedTuple):
    url: str  # nginx, as a browser reaches it
    compose: list[str]  # the compose command with this stack's file and project
    env: dict[str, str]
    docker: str

    def run(self, *args: str) -> str:
        return run([*self.compose, *args], env=self.env, cwd=ROOT).stdout


@pytest.fixture(scope="module")
def docker() -> str:
    client = os.environ.get("CALCLAB_DOCKER") or shutil.which("docker")
    if client is None:
        unavailable("docker not found: apt-get install docker.io")
    info = subprocess.run([client, "info"], capture_output=True, text=True, check=False)
    if info.returncode != 0:
        unavailable(f"the docker daemon does not answer: {info.stderr.strip()[:200]}")
    return client


@pytest.fixture(scope="module")
def stack(docker: str):
    """Both images built, two app replicas and nginx up, taken down afterwards."""
    compose = find_compose(docker)
    if compose is None:
        unavailable("no docker compose: apt-get install docker-compose")
    base = os.environ.get("CALCLAB_DOCKER_BASE")
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    build = [docker, "build", "--network", "host"]
    if IN_CI:
        build.append("--no-cache")  # CI measures a build from nothing, as on a new machine
    if CA_BUNDLE.is_file():
        build += ["--secret", f"id=ca,src={CA_BUNDLE}"]
    for image, dockerfile, context in (
        ("calclab-app", "Dockerfile", ROOT),
        ("calclab-nginx", "deploy/nginx/Dockerfile", ROOT / "deploy"),
    ):
        args = ["--build-arg", f"BASE={base}"] if base else []
        run([*build, *args, "-t", image, "-f", str(ROOT / dockerfile), str(context)], env=env)

    port = free_port()
    project = f"calclabtest{os.getpid()}"
    compose_env = {**env, "CALCLAB_LISTEN": f"127.0.0.1:{port}"}
    up = [*compose, "-f", str(ROOT / "compose.yaml"), "-p", project]
    try:
        run([*up, "up", "-d", "--no-build", "--scale", "app=2"], env=compose_env, cwd=ROOT)
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/_stcore/health", timeout=120)
        yield Stack(url, up, compose_env, docker)
    finally:
        subprocess.run(
            [*up, "down", "--volumes", "--remove-orphans", "--timeout", "20"],
            capture_output=True,
            env=compose_env,
            cwd=ROOT,
            timeout=180,
            check=False,
        )


def containers(stack: Stack, service: str) -> list[dict]:
    ids = stack.run("ps", "-q", service).split()
    return json.loads(run([stack.docker, "inspect", *ids]).stdout)


def nginx_routes(stack: Stack) -> dict[str, set[str]]:
    """route cookie -> the replica addresses that served it, from nginx's access log."""
    log = stack.run("logs", "--no-color", "nginx")
    routes: dict[str, set[str]] = {}
    for match in ROUTE.finditer(log):
        routes.setdefault(match["route"], set()).add(match["up"].split(",")[-1])
    return routes


class TestTheContainerStack:
    def test_two_replicas_serve_real_sessions_through_nginx(self, stack):
        url = stack.url
        served: dict[str, str] = {}
        for i in range(24):  # random keys: 24 all on one of 2 replicas has odds 2^-23
            route = f"compose-{i}-{os.getpid()}"
            first, typed = run_sync(
                lambda r=route, f=f"{i + 2}x^3": visit_and_type(url, f, route=r)
            )
            assert first.ok and typed.ok, (first.status, first.exceptions, typed.exceptions)
            assert any(f"{i + 2} x^{{3}}" in latex for latex in typed.latex), typed.latex
            deadline = time.monotonic() + 10  # nginx logs a WebSocket when it closes
            while route not in (routes := nginx_routes(stack)) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(routes[route]) == 1, routes[route]  # the session stayed on one replica
            served[route] = next(iter(routes[route]))
            if len(set(served.values())) == 2:
                break
        assert len(set(served.values())) == 2, served

    def test_every_replica_is_healthy_and_not_root(self, stack):
        apps = containers(stack, "app")
        assert len(apps) == 2
        for app in apps:
            assert app["State"]["Health"]["Status"] == "healthy"
            assert app["Config"]["User"] not in ("", "0", "root")
            assert app["HostConfig"]["ReadonlyRootfs"] is True

    def test_nginx_sends_the_security_headers(self, stack):
        with urllib.request.urlopen(f"{stack.url}/", timeout=10) as response:
            headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
