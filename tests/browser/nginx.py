"""nginx from Debian in front of the dashboard: the shipped site example on loopback.

The site is deploy/nginx/atlas.conf as shipped, with only its two ports replaced, wrapped in
a main configuration that keeps every file in a temporary folder and runs one foreground
process, so that no root-owned path and no system nginx are touched.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.headless import ROOT, free_port, stop_process

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
SITE = ROOT / "deploy" / "nginx" / "atlas.conf"
_UPSTREAM, _LISTEN = "server 127.0.0.1:8501;", "listen 80;"

_MAIN = """\
daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""


def site_config(app_port: int, listen_port: int) -> str:
    """deploy/nginx/atlas.conf with the app's and the proxy's loopback ports."""
    text = SITE.read_text(encoding="utf-8")
    for part in (_UPSTREAM, _LISTEN):
        if text.count(part) != 1:
            msg = f"{SITE.name} no longer has exactly one {part!r}: update tests/browser/nginx.py"
            raise ValueError(msg)
    return text.replace(_UPSTREAM, f"server 127.0.0.1:{app_port};").replace(
        _LISTEN, f"listen 127.0.0.1:{listen_port};"
    )


@contextmanager
def serve_nginx(app_port: int, folder: Path, *, timeout_s: float = 15) -> Iterator[str]:
    """nginx in the foreground on a free loopback port, proxying to ``app_port``; yields
    ``http://127.0.0.1:PORT``. Its logs are ``folder/access.log`` and ``folder/error.log``."""
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(
        _MAIN.format(folder=folder, site=site_config(app_port, port)), encoding="utf-8"
    )
    error_log = folder / "error.log"
    command = [NGINX, "-p", str(folder), "-c", str(config), "-e", str(error_log)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, error_log, timeout_s)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


def _wait_for_port(
    port: int, process: subprocess.Popen[bytes], log: Path, timeout_s: float
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = log.read_text(encoding="utf-8") if log.is_file() else ""
            msg = f"nginx exited with code {process.returncode}: {errors}"
            raise RuntimeError(msg)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    msg = f"nginx did not listen on port {port} within {timeout_s} s"
    raise RuntimeError(msg)
