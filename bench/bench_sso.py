"""Benchmark: what a single-sign-on login costs the page that starts the session.

    python bench/bench_sso.py [--logins 200] [--store URL]

Times :func:`geo.io.store.sso.record_login` on a fresh SQLite store (or ``--store``): a first
sign-in (the account is created, an audit row written), a sign-in of a known account (role
set, audit row), and a second session of the same sign-in (checked, nothing written). This is
all the atlas adds to the first paint after Streamlit's own OIDC redirect; the round trips to
the identity provider are the provider's and the network's. Prints the median and 95th
percentile in milliseconds. On a shared machine the figures are noisy.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from geo.io.sso import role_mapping
from geo.io.store import open_store
from geo.io.store.sso import record_login

MAPPING = role_mapping({"role_claim": "groups", "planner": ["atlas-planners"]})


def _timed(action: Callable[[int], object], n: int) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _report(label: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"{label:<34} median {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=200)
    parser.add_argument("--store", default=None, help="a store URL (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.store or str(Path(folder) / "atlas.sqlite")
        with open_store(url) as store:

            def claims(i: int) -> dict[str, object]:
                return {"sub": f"bench{i}", "groups": ["atlas-planners"]}

            n = args.logins
            _report(
                "first sign-in (account + audit)",
                _timed(lambda i: record_login(store, claims(i), MAPPING), n),
            )
            _report(
                "known account (role + audit)",
                _timed(lambda i: record_login(store, claims(i), MAPPING), n),
            )
            again = _timed(lambda i: record_login(store, claims(i), MAPPING, new=False), n)
            _report("same sign-in, new session", again)


if __name__ == "__main__":
    main()
