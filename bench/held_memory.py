"""Memory the server holds after sessions that uploaded a dataset have ended.

Starts the dashboard (loopback, a fresh SQLite store) with a short
``server.disconnectedSessionTTL`` and runs N sessions one after another through
``bench/streamlit_client.py``. Each, as an office worker on the 数据 page does: types a name,
uploads a sizeable dataset zip (a generated province: 50,000 villages, 5,000 sites; each
session's differs by its name, so each becomes its own draft), presses 校验并保存为草稿, sees
the draft saved, opens 总览 on the draft (its summary computed), and closes the tab.

The server's resident memory (``/proc/PID/status`` VmRSS) is read before the sessions (after
one such session ran and ended, so that what an upload loads once per process is there), at
its peak (VmHWM) and after, once the sessions are dropped (see :func:`_sessions_gone`).
``--app`` runs another checkout's dashboard for a before/after.

    .venv/bin/python bench/held_memory.py [--sessions 4] [--province DIR] [--app PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load_dashboard import reset_peak, server_use  # noqa: E402
from streamlit_client import Run, Session  # noqa: E402

from dashboard.headless import dashboard_process  # noqa: E402

TTL_S = 2


def dataset_zip(folder: Path, name: str) -> bytes:
    """The folder as an upload, its dataset named ``name`` (so every session's is new)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()
            if path.name == "dataset.toml":
                lines = [
                    f'name = "{name}"' if line.startswith("name =") else line
                    for line in data.decode().splitlines()
                ]
                data = "\n".join(lines).encode()
            archive.writestr(f"dataset/{path.name}", data)
    return buffer.getvalue()


def keyed(run: Run, key: str) -> str:
    """The id of the widget with ``key`` (Streamlit ends a keyed widget's id with it)."""
    for element in run.elements:
        if element.id.endswith(f"-{key}"):
            return element.id
    raise KeyError(f"no widget {key!r} on {run.page}")


async def upload_on_data_page(session: Session, name: str, data: bytes) -> Run:
    """On the 数据 page: type who acts, choose the file, press 校验并保存为草稿; the run after."""
    page = await session.run("data")
    await session.run("data", values={keyed(page, "actor_input"): "负载测试"})
    files = await session.upload([(name, data)])
    chosen = await session.run("data", values={keyed(page, "upload_files_0"): files})
    return await session.run("data", values={keyed(chosen, "upload_go"): True})


async def office_worker(url: str, upload: bytes) -> float:
    """Upload, validate and save a draft, preview it on the overview; seconds taken."""
    started = time.perf_counter()
    async with Session.open(url) as session:
        saved = await upload_on_data_page(session, "dataset.zip", upload)
        alerts = " ".join(saved.texts("alert"))
        if "已保存为草稿" not in alerts or saved.errors:
            raise RuntimeError(f"the upload was not saved as a draft: {alerts[:300]}")
        overview = await session.run("overview")
        if overview.errors or "草稿" not in " ".join(overview.texts()):
            raise RuntimeError("the overview does not show the draft")
    return time.perf_counter() - started


async def visit(url: str) -> None:
    async with Session.open(url) as session:
        await session.run("overview")


def _sessions_gone(url: str) -> None:
    """Wait until the ended sessions are dropped: their TTL over, then one more visitor came
    and went (Streamlit drops expired sessions when its session store is next written)."""
    time.sleep(TTL_S + 1)
    asyncio.run(visit(url))
    time.sleep(5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--province", type=Path, help="a folder from bench/make_province.py")
    parser.add_argument("--app", type=Path, default=ROOT / "dashboard" / "app.py")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        province = args.province or Path(tmp) / "province"
        if args.province is None:
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "make_province.py"), str(province)],
                check=True,
            )
        warm_up, *uploads = [
            dataset_zip(province, f"负载测试 {n}") for n in range(args.sessions + 1)
        ]
        env = {"ATLAS_STORE": f"sqlite:///{Path(tmp) / 'atlas.sqlite'}", "ATLAS_DATA": ""}
        options = ("--server.disconnectedSessionTTL", str(TTL_S))
        log = Path(tmp) / "server.log"
        with dashboard_process(log=log, env=env, options=options, app=args.app) as (url, server):
            asyncio.run(office_worker(url, warm_up))  # code paths of an upload run once
            _sessions_gone(url)
            before = server_use(server.pid)
            reset_peak(server.pid)
            times = [asyncio.run(office_worker(url, data)) for data in uploads]
            peak = server_use(server.pid).peak_mb
            _sessions_gone(url)
            after = server_use(server.pid)
    size = sum(map(len, uploads)) / len(uploads) / 2**20
    print(f"{args.app}: {args.sessions} sessions, each a {size:.1f} MB zip saved as a draft ")
    print(f"  and previewed (median {sorted(times)[len(times) // 2]:.0f} s per session)")
    print(f"server resident before: {before.rss_mb:.0f} MB; peak during: {peak:.0f} MB")
    print(
        f"after the sessions ended: {after.rss_mb:.0f} MB "
        f"(+{after.rss_mb - before.rss_mb:.0f} MB held)"
    )
    print("(a 2-core machine shared with other work: figures are noisy)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
