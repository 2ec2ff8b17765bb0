"""Run N Calculus Lab replicas behind nginx on this machine, and stop them again.

Command line (from the repository root)::

    python deploy/run_replicas.py start 2            # 2 replicas + nginx, prints the URL
    python deploy/run_replicas.py start 2 --port 8080 --foreground   # until Ctrl+C
    python deploy/run_replicas.py stop               # stops what `start` recorded
    python deploy/run_replicas.py start 2 --port 443 --listen 0.0.0.0 \\
        --tls-cert /etc/ssl/lab.pem --tls-key /etc/ssl/lab.key   # a real host, with TLS

``start`` writes the process ids, ports and log paths to a state file (by default
``calclab-replicas.json`` in the system temp directory); ``stop`` ends exactly those
processes, by id, and nothing else. Replicas always listen on loopback; only nginx
faces the network.

From Python (the tests and the load bench use it)::

    with Replica() as server:            # one `streamlit run dashboard.py`
        print(server.url, server.pid)
    with Cluster(replicas=2) as cluster: # N replicas + nginx
        print(cluster.url, cluster.access_log)

Portable: pathlib, subprocess, urllib and ``os.kill``; nginx must be on the PATH (or
``/usr/sbin/nginx``, or ``--nginx``). On Windows a "stop" is ``TerminateProcess``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
DEFAULT_STATE = Path(tempfile.gettempdir()) / "calclab-replicas.json"
LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def allowed_hosts(server_name: str = "_", listen_host: str = LOOPBACK) -> str:
    """``server.allowedHosts`` for the replicas (space-separated, as Streamlit reads it from
    ``STREAMLIT_SERVER_ALLOWED_HOSTS``): the loopback names, plus the names nginx serves.

    >>> allowed_hosts("lab.example.org")
    'localhost 127.0.0.1 ::1 lab.example.org'
    >>> allowed_hosts("_", "0.0.0.0")  # nginx answers any name: so do the replicas
    '*'
    """
    names = ["localhost", LOOPBACK, "::1"]
    if server_name not in ("", "_"):
        return " ".join(names + server_name.split())
    return " ".join(names) if listen_host in (LOOPBACK, "localhost", "::1") else "*"


def find_nginx(explicit: str | None = None) -> str | None:
    """The nginx executable: ``explicit``, then the PATH, then Debian's /usr/sbin/nginx."""
    for candidate in (explicit, shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def nginx_version(nginx: str) -> tuple[int, ...]:
    """``(1, 22, 1)`` from ``nginx -v`` (which prints to stderr); ``()`` if unknown."""
    try:
        out = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10).stderr
    except (OSError, subprocess.SubprocessError):
        return ()
    match = re.search(r"nginx/(\d+(?:\.\d+)*)", out)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def nginx_command(nginx: str, run_dir: Path, config: Path) -> list[str]:
    """nginx with its prefix and configuration in ``run_dir``; from 1.19.5 on, also its
    start-up error log (otherwise a non-root nginx complains about /var/log/nginx)."""
    command = [nginx, "-p", str(run_dir), "-c", str(config)]
    if nginx_version(nginx) >= (1, 19, 5):
        command += ["-e", str(run_dir / "nginx-error.log")]
    return command


def _detach_kwargs() -> dict:
    """Popen options that let a process outlive the `start` command (and Ctrl+C in it)."""
    if os.name == "nt":
        flags = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS
        return {"creationflags": flags}
    return {"start_new_session": True}


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":
        out = subprocess.run(
            ["tasklist", "/FI", f"PID eq {pid}", "/NH"], capture_output=True, text=True, check=False
        ).stdout
        return str(pid) in out
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")  # a zombie has exited; only its parent can reap it
    with contextlib.suppress(OSError, IndexError):
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _pid_matches(pid: int, marker: str) -> bool:
    """Guard against a recycled pid: on Linux, check the command line names ``marker``."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return True  # no /proc (macOS, Windows): trust the recorded id
    with contextlib.suppress(OSError):
        return marker in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return False


def stop_pid(pid: int, timeout: float = 10.0) -> None:
    """Ask process ``pid`` to stop (SIGTERM), wait up to ``timeout``, then kill it."""
    if not _pid_alive(pid):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.1)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))


def _stop_popen(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate a child we started, then kill it if it does not exit in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def wait_http(url: str, timeout: float, process: subprocess.Popen | None = None) -> str:
    """Poll ``url`` until it answers 200; return the body. Fail early if ``process`` died."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with code {process.returncode} before {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError as err:
            last = err
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:g} s ({last})")


class Replica:
    """One ``python -m streamlit run dashboard.py`` on a loopback port.

    Parameters
    ----------
    port : int or None
        The port; a free one when None.
    log_path : Path or None
        Where its output goes; a temporary file when None.
    options : dict
        Extra ``--section.option value`` settings (``{"server.maxMessageSize": "10"}``).
    env : dict or None
        Extra environment variables (``{"CALCLAB_WORKERS": "2"}``).
    detach : bool
        Start it in its own session/process group so it outlives its parent.
    script : str
        The app to run, relative to ``root`` (``bench.first_paint`` serves its
        reference app the same way).
    root : Path
        The checkout to run it from (this repository; ``bench.first_paint --baseline``
        serves an older checkout beside it).
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        log_path: Path | None = None,
        options: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
        detach: bool = False,
        script: str = "dashboard.py",
        root: Path = ROOT,
    ) -> None:
        self.port = port or free_port()
        self.script = script
        self.root = Path(root)
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.options = dict(options or {})
        self.env = dict(env or {})
        self.detach = detach
        self._own_log = log_path is None
        if log_path is None:
            fd, name = tempfile.mkstemp(prefix="calclab-replica-", suffix=".log")
            os.close(fd)
            log_path = Path(name)
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "streamlit", "run", self.script]
        cmd += ["--server.port", str(self.port), "--server.address", LOOPBACK]
        cmd += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
        for name, value in self.options.items():
            cmd += [f"--{name}", str(value)]
        return cmd

    def start(self, timeout: float = 60.0) -> Replica:
        env = {**os.environ, **self.env}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                **(_detach_kwargs() if self.detach else {}),
            )
        try:
            wait_http(f"{self.url}/_stcore/health", timeout, self.process)
        except (RuntimeError, TimeoutError) as err:
            self.stop()
            raise RuntimeError(f"{err}\n--- log ---\n{self.log()[-4000:]}") from None
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None:
            _stop_popen(self.process)
        if self._own_log:
            with contextlib.suppress(OSError):
                self.log_path.unlink()

    def __enter__(self) -> Replica:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def render_config(
    run_dir: Path,
    upstream_ports: list[int],
    *,
    listen_port: int,
    listen_host: str = LOOPBACK,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    server_name: str = "_",
) -> str:
    """The nginx configuration for these replicas, from ``deploy/nginx.conf.template``."""
    servers = "\n".join(
        f"        server {LOOPBACK}:{port} max_fails=3 fail_timeout=10s;" for port in upstream_ports
    )
    extra = ""
    if tls_cert and tls_key:
        listen = (
            f"        listen {listen_host}:{listen_port} ssl;\n"
            f"        ssl_certificate {Path(tls_cert).as_posix()};\n"
            f"        ssl_certificate_key {Path(tls_key).as_posix()};\n"
            "        ssl_protocols TLSv1.2 TLSv1.3;\n"
            "        ssl_session_cache shared:calclab_tls:10m;\n"
            '        add_header Strict-Transport-Security "max-age=31536000" always;'
        )
        flags = "; Secure"
        if listen_port == 443:  # plain http on port 80 only redirects to https
            extra = (
                "    server {\n"
                f"        listen {listen_host}:80;\n"
                f"        server_name {server_name};\n"
                "        return 301 https://$host$request_uri;\n"
                "    }"
            )
    else:
        listen = f"        listen {listen_host}:{listen_port};"
        flags = ""
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {
        "RUN_DIR": run_dir.as_posix(),
        "UPSTREAM_SERVERS": servers,
        "LISTEN": listen,
        "SERVER_NAME": server_name,
        "COOKIE_FLAGS": flags,
        "EXTRA_SERVERS": extra,
    }.items():
        text = text.replace(f"@@{name}@@", value)
    left = re.findall(r"@@[A-Z_]+@@", text)
    if left:
        raise ValueError(f"unfilled placeholders in {TEMPLATE.name}: {left}")
    return text


class Cluster:
    """N replicas and an nginx in front of them, all on this machine.

    Parameters
    ----------
    replicas : int
        How many ``streamlit run`` processes.
    port : int or None
        nginx's port (a free loopback port when None).
    run_dir : Path or None
        Where the config, logs and pid files go (a new temporary directory when None).
    detach : bool
        Let the processes outlive this Python process (the ``start`` command).
    env : dict or None
        Extra environment for the replicas (``CALCLAB_WORKERS``, ...).
    options : dict or None
        Extra ``--section.option value`` settings for every replica.
    """

    def __init__(
        self,
        replicas: int = 2,
        *,
        port: int | None = None,
        listen_host: str = LOOPBACK,
        run_dir: Path | None = None,
        nginx: str | None = None,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        server_name: str = "_",
        detach: bool = False,
        env: dict[str, str] | None = None,
        options: dict[str, str] | None = None,
    ) -> None:
        if replicas < 1:
            raise ValueError("at least one replica")
        self.nginx = find_nginx(nginx)
        if self.nginx is None:
            raise FileNotFoundError("nginx not found (apt-get install nginx, or pass --nginx)")
        self.run_dir = Path(run_dir or tempfile.mkdtemp(prefix="calclab-cluster-"))
        self.port = port or free_port(LOOPBACK if listen_host == "0.0.0.0" else listen_host)
        self.listen_host = listen_host
        self.tls = (tls_cert, tls_key) if tls_cert and tls_key else None
        self.server_name = server_name
        self.detach = detach
        self._own_dir = run_dir is None
        # One cookie secret for all replicas, so a signed cookie from one is valid on all
        # (Streamlit refuses it as a command-line flag: it would show in `ps`); the Host
        # names the WebSocket accepts are the ones nginx serves.
        env = {
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
            "STREAMLIT_SERVER_ALLOWED_HOSTS": allowed_hosts(server_name, listen_host),
            **(env or {}),
        }
        self.replicas = [
            Replica(
                log_path=self.run_dir / f"replica-{i}.log",
                env=env,
                options=options,
                detach=detach,
            )
            for i in range(replicas)
        ]
        self.nginx_process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        host = LOOPBACK if self.listen_host == "0.0.0.0" else self.listen_host
        return f"{scheme}://{host}:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.run_dir / "nginx-access.log"

    @property
    def config_path(self) -> Path:
        return self.run_dir / "nginx.conf"

    def start(self, timeout: float = 90.0) -> Cluster:
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # nginx's workers drop to "nobody" when started as root: let them use the dir.
            for path in [self.run_dir, *self.run_dir.iterdir()]:
                with contextlib.suppress(OSError):
                    path.chmod(0o755 if path.is_dir() else 0o644)
        try:
            for replica in self.replicas:  # one at a time: each imports ~1 s of modules
                replica.start(timeout)
            cert, key = self.tls or (None, None)
            self.config_path.write_text(
                render_config(
                    self.run_dir,
                    [r.port for r in self.replicas],
                    listen_port=self.port,
                    listen_host=self.listen_host,
                    tls_cert=cert,
                    tls_key=key,
                    server_name=self.server_name,
                ),
                encoding="utf-8",
            )
            check = subprocess.run(
                [*self._nginx_args(), "-t", "-q"],
                capture_output=True,
                text=True,
                check=False,
            )
            if check.returncode != 0:
                raise RuntimeError(f"nginx rejected the configuration:\n{check.stderr}")
            with (self.run_dir / "nginx-stdout.log").open("ab") as log:
                self.nginx_process = subprocess.Popen(
                    [*self._nginx_args(), "-g", "daemon off;"],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    **(_detach_kwargs() if self.detach else {}),
                )
            self._wait_proxy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _nginx_args(self) -> list[str]:
        return nginx_command(self.nginx, self.run_dir, self.config_path)

    def _wait_proxy(self, timeout: float) -> None:
        if self.tls:  # a self-signed certificate cannot be verified here; just wait for the port
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection((LOOPBACK, self.port), timeout=1),
                ):
                    return
                if self.nginx_process.poll() is not None:
                    break
                time.sleep(0.1)
            raise RuntimeError(f"nginx did not listen on {self.port}")
        wait_http(f"{self.url}/_stcore/health", timeout, self.nginx_process)

    def state(self) -> dict:
        """What `stop` needs: process ids (with a marker to recognise them) and paths."""
        return {
            "url": self.url,
            "run_dir": str(self.run_dir),
            "processes": [
                {"pid": r.pid, "marker": "streamlit", "port": r.port, "log": str(r.log_path)}
                for r in self.replicas
            ]
            + [{"pid": self.nginx_process.pid, "marker": "nginx", "port": self.port}],
        }

    def stop(self) -> None:
        """nginx first (no new traffic), then the replicas; each by its own process id."""
        if self.nginx_process is not None:
            _stop_popen(self.nginx_process)
        for replica in self.replicas:
            replica.stop()

    def cleanup(self) -> None:
        """Remove the run directory if this object created it."""
        if self._own_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.cleanup()


def stop_recorded(state_path: Path) -> list[int]:
    """Stop the processes a ``start`` recorded in ``state_path``; return their ids."""
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    stopped = []
    for entry in reversed(state.get("processes", [])):  # nginx (recorded last) first
        pid = int(entry["pid"])
        if _pid_alive(pid) and _pid_matches(pid, entry.get("marker", "")):
            stop_pid(pid)
            stopped.append(pid)
    with contextlib.suppress(OSError):
        state_path.unlink()
    return stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start N replicas and nginx")
    start.add_argument("replicas", type=int, nargs="?", default=2)
    start.add_argument("--port", type=int, default=None, help="nginx's port (default: free)")
    start.add_argument("--listen", default=LOOPBACK, help="nginx's address (default loopback)")
    start.add_argument("--server-name", default="_")
    start.add_argument("--tls-cert", default=None)
    start.add_argument("--tls-key", default=None)
    start.add_argument("--nginx", default=None, help="path to the nginx executable")
    start.add_argument("--workers", type=int, default=None, help="CALCLAB_WORKERS per replica")
    start.add_argument("--foreground", action="store_true", help="run until Ctrl+C")
    start.add_argument("--state", type=Path, default=DEFAULT_STATE)
    stop = sub.add_parser("stop", help="stop what `start` recorded")
    stop.add_argument("--state", type=Path, default=DEFAULT_STATE)
    args = parser.parse_args(argv)

    if args.command == "stop":
        stopped = stop_recorded(args.state)
        print(f"stopped {len(stopped)} process(es): {' '.join(map(str, stopped)) or '-'}")
        return 0

    if args.state.exists() and not args.foreground:
        print(f"{args.state} exists: run `stop` first (or pass another --state)", file=sys.stderr)
        return 1
    env = {"CALCLAB_WORKERS": str(args.workers)} if args.workers else None
    cluster = Cluster(
        args.replicas,
        port=args.port,
        listen_host=args.listen,
        nginx=args.nginx,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        server_name=args.server_name,
        detach=not args.foreground,
        env=env,
    )
    cluster.start()
    print(f"Calculus Lab: {cluster.url}  ({args.replicas} replicas, files in {cluster.run_dir})")
    if not args.foreground:
        args.state.write_text(json.dumps(cluster.state(), indent=2), encoding="utf-8")
        print(f"stop with: python deploy/run_replicas.py stop --state {args.state}")
        return 0
    try:
        while cluster.nginx_process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
