"""A seeded mutation fuzzer: broken copies of a dataset folder through ``summary --json``.

Each case copies the base folder, applies one to three mutations drawn from a seeded
generator (byte flips, truncation, deleted and duplicated delimiters and rows, huge and
NaN/inf numbers, re-encodings, deleted columns, swapped files, forged and bombed zips) and
runs the command line in-process. The oracle: every case ends either

- in exit 2 with a report that names one of the dataset's files, or
- in exit 0 with JSON whose totals agree with the input, counted here without geo: every
  site is counted in a township or listed as unassigned, and for every group the people of
  the villages not listed as unassigned add up to the JSON's total.

Anything else (exit 1, a traceback, a NaN in the JSON, a site or person lost) is a failure,
reported with the seed that reproduces it. Every failure found becomes a regular test.

    python -m tests.fuzz.fuzz [--cases N] [--seed S] [--base FOLDER]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import random
import shutil
import struct
import sys
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo.cli.commands import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "data" / "suyu"
LAYER_FILES = ("dataset.toml", "townships.geojson", "sites.csv", "demand.csv", "projects.csv")
HUGE = ("1e308", "1e400", "-1e400", "inf", "-inf", "nan", "NaN", "9" * 40, "-0", "1e-320")


@dataclass(frozen=True)
class Outcome:
    """What one case did: the mutations, the exit code, and why the oracle objects (if so)."""

    seed: int
    mutations: tuple[str, ...]
    code: int
    failure: str | None
    stderr: str


# --- mutations: each takes the folder and the generator, and says what it did -------------


def _pick(folder: Path, rng: random.Random, suffixes: tuple[str, ...] = ()) -> Path | None:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(suffixes or ""))
    return rng.choice(files) if files else None


def flip_bytes(folder: Path, rng: random.Random) -> str:
    path = _pick(folder, rng)
    if path is None:
        return "flip_bytes(none)"
    data = bytearray(path.read_bytes())
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    path.write_bytes(bytes(data))
    return f"flip_bytes({path.name})"


def truncate(folder: Path, rng: random.Random) -> str:
    path = _pick(folder, rng)
    if path is None:
        return "truncate(none)"
    data = path.read_bytes()
    path.write_bytes(data[: rng.randrange(len(data) + 1)])
    return f"truncate({path.name})"


def _csv(folder: Path, rng: random.Random) -> tuple[Path, str] | None:
    path = _pick(folder, rng, (".csv",))
    if path is None:
        return None
    try:
        return path, path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def edit_delimiter(folder: Path, rng: random.Random) -> str:
    found = _csv(folder, rng)
    if found is None:
        return "edit_delimiter(none)"
    path, text = found
    commas = [i for i, ch in enumerate(text) if ch == ","]
    if not commas:
        return "edit_delimiter(no comma)"
    at = rng.choice(commas)
    delete = rng.random() < 0.5
    text = text[:at] + text[at + 1 :] if delete else text[:at] + "," + text[at:]
    path.write_text(text, encoding="utf-8")
    return f"{'delete' if delete else 'duplicate'}_delimiter({path.name}@{at})"


def edit_row(folder: Path, rng: random.Random) -> str:
    found = _csv(folder, rng)
    if found is None:
        return "edit_row(none)"
    path, text = found
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return "edit_row(short)"
    at = rng.randrange(1, len(lines))
    delete = rng.random() < 0.5
    lines[at : at + 1] = [] if delete else [lines[at], lines[at]]
    path.write_text("".join(lines), encoding="utf-8")
    return f"{'delete' if delete else 'duplicate'}_row({path.name}:{at + 1})"


def odd_number(folder: Path, rng: random.Random) -> str:
    found = _csv(folder, rng)
    if found is None:
        return "odd_number(none)"
    path, text = found
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 2 or not rows[0]:
        return "odd_number(short)"
    row = rng.randrange(1, len(rows))
    if not rows[row]:
        return "odd_number(blank row)"
    column = rng.randrange(len(rows[row]))
    value = rng.choice(HUGE)
    rows[row][column] = value
    _write_rows(path, rows)
    header = rows[0][column] if column < len(rows[0]) else column
    return f"odd_number({path.name}:{row + 1}:{header}={value})"


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def odd_coordinate(folder: Path, rng: random.Random) -> str:
    path = folder / "townships.geojson"
    if not path.exists():
        return "odd_coordinate(none)"
    text = path.read_text(encoding="utf-8", errors="replace")
    digits = [i for i in range(1, len(text)) if text[i].isdigit() and text[i - 1] in "[ ,"]
    if not digits:
        return "odd_coordinate(no number)"
    at = rng.choice(digits)
    end = at
    while end < len(text) and (text[end].isdigit() or text[end] in ".eE-"):
        end += 1
    value = rng.choice(("NaN", "Infinity", "1e308", "1e400", "-1e308", "181.0", "0"))
    path.write_text(text[:at] + value + text[end:], encoding="utf-8")
    return f"odd_coordinate(townships.geojson@{at}={value})"


def reencode(folder: Path, rng: random.Random) -> str:
    path = _pick(folder, rng, (".csv", ".toml", ".geojson"))
    if path is None:
        return "reencode(none)"
    encoding = rng.choice(("gb18030", "utf-16", "utf-16-le", "big5", "latin-1", "utf-8-sig"))
    text = path.read_bytes().decode("utf-8", errors="replace")
    path.write_bytes(text.encode(encoding, errors="replace"))
    return f"reencode({path.name}, {encoding})"


def delete_column(folder: Path, rng: random.Random) -> str:
    found = _csv(folder, rng)
    if found is None:
        return "delete_column(none)"
    path, text = found
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0]:
        return "delete_column(empty)"
    column = rng.randrange(len(rows[0]))
    name = rows[0][column]
    _write_rows(path, [r[:column] + r[column + 1 :] for r in rows])
    return f"delete_column({path.name}:{name})"


def swap_files(folder: Path, rng: random.Random) -> str:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if len(files) < 2:
        return "swap_files(too few)"
    a, b = rng.sample(files, 2)
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    return f"swap_files({a.name}, {b.name})"


def delete_file(folder: Path, rng: random.Random) -> str:
    path = _pick(folder, rng)
    if path is None:
        return "delete_file(none)"
    path.unlink()
    return f"delete_file({path.name})"


def zip_townships(folder: Path, rng: random.Random) -> str:  # noqa: C901 - one branch a forgery
    """Townships as a zipped Shapefile, then forged: lying sizes, a bomb, flips, a bare zip."""
    source = folder / "townships.geojson"
    if not source.exists():
        return "zip_townships(none)"
    import geopandas as gpd  # the fuzzer's only use of the stack: to write a real shapefile

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = gpd.read_file(source)
    except Exception:  # noqa: BLE001 - an earlier mutation broke the file; zip it as it is
        frame = None
    parts = {"townships.shp": source.read_bytes()}
    if frame is not None and len(frame):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                frame.to_file(Path(tmp) / "townships.shp", encoding="utf-8")
                parts = {p.name: p.read_bytes() for p in Path(tmp).iterdir()}
            except Exception:  # noqa: BLE001 - GDAL will not write NaN: zip the text as it is
                pass
    forgery = rng.choice(("plain", "lying", "bomb", "flip", "nested", "no_dbf"))
    if forgery == "bomb":
        parts["townships.dbf"] = parts.get("townships.dbf", b"") + b" " * (80 * 1024 * 1024)
    if forgery == "no_dbf":
        parts.pop("townships.dbf", None)
    names = {("d/" + n if forgery == "nested" else n): d for n, d in parts.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    data = bytearray(buffer.getvalue())
    if forgery == "lying":
        _claim_sizes(data, rng.choice((10, 1000, 2**31)))
    if forgery == "flip":
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    source.unlink()
    (folder / "townships.shp.zip").write_bytes(bytes(data))
    return f"zip_townships({forgery})"


def _claim_sizes(data: bytearray, size: int) -> None:
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start >= 0:
            struct.pack_into("<I", data, start + offset, size)
            start = data.find(signature, start + 4)


def edit_toml(folder: Path, rng: random.Random) -> str:
    path = folder / "dataset.toml"
    if not path.exists():
        return "edit_toml(none)"
    text = path.read_text(encoding="utf-8", errors="replace")
    key = rng.choice(("weight", "radius_m", "budget_yuan", "coordinates"))
    value = rng.choice(("1e305", "inf", "nan", "-1", '"gcj02"', '"bd09"', "0", '""', "[]"))
    lines = [
        f"{key} = {value}" if line.split("=", 1)[0].strip() == key and rng.random() < 0.5 else line
        for line in text.splitlines()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"edit_toml({key}={value})"


MUTATIONS: tuple[Callable[[Path, random.Random], str], ...] = (
    flip_bytes,
    truncate,
    edit_delimiter,
    edit_delimiter,
    edit_row,
    edit_row,
    odd_number,
    odd_number,
    odd_coordinate,
    reencode,
    delete_column,
    swap_files,
    delete_file,
    zip_townships,
    edit_toml,
)


# --- the oracle ----------------------------------------------------------------------------


def run_case(base: Path, seed: int) -> Outcome:
    """Mutate a copy of ``base`` with the generator seeded ``seed``, run and judge it."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="atlas-fuzz-") as tmp:
        folder = Path(tmp) / "dataset"
        shutil.copytree(base, folder)
        mutations = tuple(rng.choice(MUTATIONS)(folder, rng) for _ in range(rng.randint(1, 3)))
        out, err = io.StringIO(), io.StringIO()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning is a bug here, as in the test suite
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = cli_main(["summary", str(folder), "--json", "--lang", "en"])
                except BaseException as error:  # noqa: BLE001 - the oracle reports anything
                    code, failure = -1, f"raised {type(error).__name__}: {error}"
                    return Outcome(seed, mutations, code, failure, err.getvalue())
        failure = _judge(folder, code, out.getvalue(), err.getvalue())
    return Outcome(seed, mutations, code, failure, err.getvalue())


def _judge(folder: Path, code: int, stdout: str, stderr: str) -> str | None:
    if code == 2:
        names = {p.name for p in folder.iterdir()} | {n.split(".")[0] + ".*" for n in LAYER_FILES}
        names |= {"dataset.toml", str(folder)}
        if not stderr.strip():
            return "exit 2 without a report"
        if not any(name in stderr for name in names):
            return "exit 2 with a report that names no file"
        return None
    if code != 0:
        return f"exit {code}"
    try:
        doc = json.loads(stdout)
    except json.JSONDecodeError as error:
        return f"exit 0 but no JSON: {error}"
    return _check_totals(folder, doc)


def _check_totals(folder: Path, doc: dict) -> str | None:  # noqa: C901 - the oracle, in one read
    if not _finite(doc):
        return "a NaN or infinity in the JSON"
    for name in ("sites.csv", "demand.csv", "projects.csv"):
        ragged = _ragged_row(folder / name)
        if ragged is not None:
            return f"{name}: row {ragged[0]} has {ragged[1]} cells, the header {ragged[2]}"
    sites = _rows(folder / "sites.csv")
    if sites is not None:
        counted = sum(t["organizations"] + t["stations"] for t in doc["townships"])
        unassigned = len(doc["unassigned"]["sites"])
        if counted + unassigned != len(sites):
            return f"sites: {counted} counted + {unassigned} unassigned != {len(sites)} rows"
    demand = _rows(folder / "demand.csv")
    if demand is None:
        return None
    outside = set(doc["unassigned"]["demand"])
    for group, total in doc["totals"]["demand"].items():
        expected = 0
        for row in demand:
            if row.get("id", "").strip() in outside or group not in row:
                continue
            value = _count(row[group])
            if value is None:
                return f"demand: '{row[group]}' in column {group} was accepted as a count"
            expected += value
        if expected != total:
            return f"demand: {group} totals {total}, the input holds {expected}"
    return None


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def _rows(path: Path) -> list[dict[str, str]] | None:
    """The non-blank records of a CSV, read without geo; None when not plain UTF-8 CSV."""
    if not path.exists():
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return None
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(c.strip() for c in r)]


def _ragged_row(path: Path) -> tuple[int, int, int] | None:
    """The first record with fewer cells than the header, or more that are not blank.

    Such a row has lost or gained a delimiter: its cells are shifted, so accepting it loses
    data without a word.
    """
    if not path.exists():
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return None
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        short = len(row) < width and any(c.strip() for c in row)
        if short or any(c.strip() for c in row[width:]):
            return number, len(row), width
    return None


def _count(cell: str) -> int | None:
    text = unicodedata.normalize("NFKC", cell).strip().replace(",", "")
    if not text:
        return 0
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if math.isfinite(value) and value >= 0 and value.is_integer() else None


def fuzz(cases: int, seed: int = 0, base: Path = BASE) -> list[Outcome]:
    """Run ``cases`` cases with seeds ``seed`` .. ``seed + cases - 1``; every outcome."""
    return [run_case(base, s) for s in range(seed, seed + cases)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base", type=Path, default=BASE)
    args = parser.parse_args(argv)
    outcomes = fuzz(args.cases, args.seed, args.base)
    failures = [o for o in outcomes if o.failure]
    for outcome in failures:
        print(f"seed {outcome.seed}: {outcome.failure}; {', '.join(outcome.mutations)}")
        print("   ", outcome.stderr.strip().replace("\n", "\n    ")[:600])
    valid = sum(o.code == 0 for o in outcomes)
    print(
        f"{args.cases} cases from seed {args.seed}: {valid} valid (exit 0), "
        f"{sum(o.code == 2 for o in outcomes)} refused (exit 2), {len(failures)} failures"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
