"""``python -m dashboard.serve``: production settings, and no call to the internet at start-up."""

from __future__ import annotations

import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard.headless import serve_production
from dashboard.serve import build_parser, streamlit_command


def settings(*options: str) -> dict[str, str]:
    command = streamlit_command(build_parser().parse_args(list(options)))
    pairs = command[command.index("run") + 2 :]
    return {
        key.removeprefix("--"): value for key, value in zip(pairs[::2], pairs[1::2], strict=True)
    }


def test_production_settings() -> None:
    found = settings("--port", "9000", "--base-path", "/atlas/", "--public-host", "atlas.local")
    assert found["server.port"] == "9000"
    assert found["server.address"] == "127.0.0.1"  # only the proxy on this machine
    assert found["server.baseUrlPath"] == "atlas"
    assert found["browser.serverAddress"] == "atlas.local"
    assert found["client.showErrorDetails"] == "none"  # no tracebacks for visitors
    assert found["browser.gatherUsageStats"] == "false"
    assert found["server.maxUploadSize"] == "200"
    assert found["server.fileWatcherType"] == "none"
    assert found["server.headless"] == "true"


def test_the_public_host_defaults_to_the_address_or_the_machine_name() -> None:
    assert settings("--address", "10.1.2.3")["browser.serverAddress"] == "10.1.2.3"
    assert settings("--address", "0.0.0.0")["browser.serverAddress"] == socket.gethostname()


@contextmanager
def recording_proxy() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback 'proxy' that records what reaches it and answers nothing."""
    seen: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    seen.append(connection.recv(200))
                except TimeoutError:
                    seen.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", seen
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.mark.slow
def test_no_outbound_call_at_start_up(tmp_path: Path) -> None:
    """Listening on every interface, plain Streamlit asks a web service for the machine's
    external address at start-up; the served app must not (offices have no internet)."""
    with recording_proxy() as (proxy, seen):
        env = dict(os.environ)
        env |= dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"), proxy)
        env |= {"NO_PROXY": "", "no_proxy": ""}
        log = tmp_path / "server.log"
        with serve_production(address="0.0.0.0", log=log, env=env) as (url, _):
            with urllib.request.urlopen(url + "/", timeout=10) as response:
                assert response.status == 200
            time.sleep(2)  # the external-address lookup runs right after start-up
        assert seen == [], log.read_text(encoding="utf-8")
