"""``python -m dashboard.serve``: the dashboard as a service on a server, production settings.

Visitors see no error details (a traceback names files and code), the server makes no
outbound call at start-up (Streamlit otherwise asks a public service for the machine's external
address when it listens on every interface), there are no usage statistics, no file watcher,
and uploads are limited. Run it behind a reverse proxy that serves it under ``--base-path``;
deploy/nginx/atlas.conf and deploy/systemd/atlas.service are examples. ``make serve`` runs it.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["build_parser", "main", "streamlit_command"]

APP = Path(__file__).resolve().parent / "app.py"
_WILDCARDS = ("0.0.0.0", "::", "")


def build_parser() -> argparse.ArgumentParser:
    """The options of ``python -m dashboard.serve``."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.serve", description=__doc__)
    parser.add_argument(
        "--address", default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: only the proxy on this machine; "
        "0.0.0.0 for every interface)",
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=8501, help="TCP port (default 8501)")
    parser.add_argument(
        "--base-path", default="",
        help="URL path the proxy serves the app under, e.g. atlas for https://host/atlas/",
    )  # fmt: skip
    parser.add_argument(
        "--public-host", default=None,
        help="host name visitors use (default: the address, or this machine's name when "
        "listening on every interface); pages opened from another host are refused",
    )  # fmt: skip
    parser.add_argument(
        "--max-upload-mb", type=int, default=200, help="largest upload in MB (default 200)"
    )
    parser.add_argument(
        "--demo", type=Path, default=None,
        help="the demo dataset folder, when it is not beside the code (an installed bundle)",
    )  # fmt: skip
    return parser


def streamlit_command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line for ``args`` (see :func:`build_parser`).

    Parameters
    ----------
    args
        Parsed options.

    Returns
    -------
    list of str
        Starts with the current Python interpreter.
    """
    public_host = args.public_host or (
        socket.gethostname() if args.address in _WILDCARDS else args.address
    )
    settings = {
        "server.address": args.address,
        "server.port": args.port,
        "server.baseUrlPath": args.base_path.strip("/"),
        "server.headless": "true",
        "server.maxUploadSize": args.max_upload_mb,
        "server.fileWatcherType": "none",
        "server.runOnSave": "false",
        "server.enableCORS": "true",
        "server.enableXsrfProtection": "true",
        # Set by hand, the public address keeps Streamlit from looking up the machine's
        # external address on the internet, at start-up and when it checks a page's origin.
        "browser.serverAddress": public_host,
        "browser.gatherUsageStats": "false",
        "client.showErrorDetails": "none",
        "client.toolbarMode": "viewer",
        "global.developmentMode": "false",
    }
    command = [sys.executable, "-m", "streamlit", "run", str(APP)]
    for key, value in settings.items():
        command += [f"--{key}", str(value)]
    return command


def main(argv: Sequence[str] | None = None) -> None:
    """Replace this process by the Streamlit server (signals from systemd reach it directly)."""
    args = build_parser().parse_args(argv)
    if args.demo is not None:
        os.environ["ATLAS_DEMO_DIR"] = str(args.demo.resolve())
    command = streamlit_command(args)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
