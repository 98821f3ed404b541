"""The dashboard on a free localhost port, and the headless Chromium that looks at it.

Used by the browser tests, the README screenshots and the dashboard benchmark; the app itself
never imports it. Nothing here reaches beyond localhost.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# A map whose layers are drawn (geo.maps.webmap.DrawnMark): on SVG or, at province scale, on
# canvas, where no township is an element to wait for.
MAP_DRAWN = ".leaflet-container[data-atlas-drawn]"
# Without the background-networking flags Chromium keeps calling home, which an offline
# network refuses (and a test would count as a request leaving localhost).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (localhost, data:, blob:, about:)."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).hostname in ("127.0.0.1", "localhost")


@contextmanager
def serve_dashboard(
    *,
    log: Path | None = None,
    timeout_s: float = 60,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
) -> Iterator[str]:
    """Run ``streamlit run dashboard/app.py`` on a free port; yield its URL once it answers.

    See :func:`dashboard_process` for the parameters.
    """
    with dashboard_process(log=log, timeout_s=timeout_s, env=env, options=options) as (url, _):
        yield url


@contextmanager
def dashboard_process(
    *,
    log: Path | None = None,
    timeout_s: float = 60,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
    app: Path = ROOT / "dashboard" / "app.py",
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The dashboard on a free port: its URL and its process (whose /proc a benchmark reads).

    Parameters
    ----------
    log
        File for the server's output (discarded when None).
    timeout_s
        How long to wait for the health check before giving up with ``RuntimeError``.
    env
        Extra environment variables for the server (``ATLAS_DATA``, ``ATLAS_STORE``, ...).
    options
        More ``streamlit run`` options, e.g. ``("--server.disconnectedSessionTTL", "2")`` or
        ``["--secrets.files", "path/to/secrets.toml"]``.
    app
        The app to run (another checkout's, for a before/after); it runs in its repository.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false", *options,
    ]  # fmt: skip
    with ExitStack() as stack:
        output = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command,
            cwd=app.parent.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        stack.callback(stop_process, process)
        url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(url, process, timeout_s)
        yield url, process


@contextmanager
def serve_production(
    *,
    base_path: str = "",
    log: Path | None = None,
    env: dict[str, str] | None = None,
    address: str = "127.0.0.1",
    timeout_s: float = 60,
) -> Iterator[tuple[str, int]]:
    """Run ``python -m dashboard.serve`` (production settings) on a free port.

    Yields the app's URL (with ``base_path``, no trailing slash) and its port once the health
    check answers; ``env`` replaces the server's environment when given.
    """
    from dashboard.serve import build_parser, streamlit_command

    port = free_port()
    options = ["--address", address, "--port", str(port), "--base-path", base_path]
    command = streamlit_command(build_parser().parse_args(options))
    with ExitStack() as stack:
        output = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        stack.callback(stop_process, process)
        url = f"http://127.0.0.1:{port}" + (f"/{base_path.strip('/')}" if base_path else "")
        _wait_until_healthy(url, process, timeout_s)
        yield url, port


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"streamlit exited with code {process.returncode}"
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    msg = f"streamlit did not answer at {url} within {timeout_s} s"
    raise RuntimeError(msg)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Ask ``process`` to end; kill it when it has not after 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
