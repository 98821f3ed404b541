"""dataset.toml: the dataset's name, datum, budget and beneficiary groups, checked."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, TypeGuard

from geo.dataset import DATUMS, DEFAULT_MIN_COUNT, Group
from geo.errors import DatasetError, Problem
from geo.funding import MAX_BUDGET_YUAN
from geo.io.limits import check_file_size
from geo.io.readers import normalize_name

FILE = "dataset.toml"
_KNOWN_KEYS = {"name", "demo", "coordinates", "budget_yuan", "groups", "privacy"}
_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
# A catchment is a walk, a ride or a district at most: a larger radius is a typo (km for m,
# extra zeros), and would also cost the coverage search its precision.
MAX_RADIUS_M = 100_000.0
# A weight is relative to the reference group (1.0); beyond 1000 it is a typo, and near 1e305
# the funding scores (weight x people) overflow.
MAX_WEIGHT = 1000.0


@dataclass(frozen=True)
class Config:
    """What dataset.toml says. ``None`` marks a value that was missing or wrong."""

    name: str | None = None
    demo: bool = False
    coordinates: str | None = None
    budget_yuan: int | None = None
    groups: tuple[Group, ...] = ()
    min_count: int = DEFAULT_MIN_COUNT
    metadata: dict[str, object] = field(default_factory=dict)


def read_config(folder: Path) -> tuple[Config | None, list[Problem]]:
    """Read and check ``folder/dataset.toml``.

    Returns
    -------
    config, problems
        ``config`` is ``None`` when the file is missing or not valid TOML; otherwise it holds
        every value that passed its check (so that the layers can still be checked against the
        groups that are fine).
    """
    path = folder / FILE
    if not path.is_file():
        return None, [Problem("config_missing", FILE)]
    try:
        check_file_size(path)
        raw = path.read_bytes()
    except DatasetError as error:
        return None, list(error.problems)
    except OSError as error:
        return None, [Problem("file_unreadable", FILE, params={"reason": error.strerror})]
    return config_from_bytes(raw)


def config_from_bytes(raw: bytes) -> tuple[Config | None, list[Problem]]:
    """Check the content of a dataset.toml (as :func:`read_config` does for the file)."""
    data, problems = _parse_toml(raw)
    if data is None:
        return None, problems
    coordinates, datum_problems = _read_datum(data)
    groups, group_problems = _read_groups(data.get("groups"))
    scalars, scalar_problems = _read_scalars(data)
    min_count, privacy_problems = _read_privacy(data.get("privacy", {}))
    config = Config(
        min_count=min_count,
        coordinates=coordinates,
        groups=groups,
        metadata={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
        **scalars,
    )
    return config, datum_problems + group_problems + scalar_problems + privacy_problems


def _read_privacy(table: object) -> tuple[int, list[Problem]]:
    """``[privacy] min_count``: a whole number of at least 2 (1 would hide nothing)."""
    if not isinstance(table, dict):
        return DEFAULT_MIN_COUNT, [_bad("privacy", "table", type(table).__name__)]
    value = table.get("min_count", DEFAULT_MIN_COUNT)
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        return DEFAULT_MIN_COUNT, [_bad("privacy.min_count", "min_count", value)]
    return value, []


def _parse_toml(raw: bytes) -> tuple[dict[str, object] | None, list[Problem]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # Notepad's "ANSI" on Chinese Windows
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        at = _ERROR_AT.search(message)
        line = int(at.group(1)) if at else None
        reason = _ERROR_AT.sub("", message)
        return None, [Problem("toml_invalid", FILE, row=line, params={"reason": reason})]


def _bad(key: str, expected: str, found: object) -> Problem:
    return Problem("bad_value", FILE, column=key, params={"expected": expected, "found": found})


def _read_datum(data: dict[str, object]) -> tuple[str | None, list[Problem]]:
    if "coordinates" not in data:
        return None, [Problem("missing_key", FILE, column="coordinates")]
    value = data["coordinates"]
    datum = normalize_name(value) if isinstance(value, str) else None
    if datum not in DATUMS:
        params = {"found": value, "expected": list(DATUMS)}
        return None, [Problem("unknown_datum", FILE, column="coordinates", params=params)]
    return datum, []


class _Scalars(TypedDict, total=False):
    name: str
    demo: bool
    budget_yuan: int


def _read_scalars(data: dict[str, object]) -> tuple[_Scalars, list[Problem]]:
    out: _Scalars = {}
    problems = []
    name = data.get("name")
    if name is not None and not (isinstance(name, str) and name.strip()):
        problems.append(_bad("name", "text", name))
    elif name is not None:
        out["name"] = name.strip()
    demo = data.get("demo", False)
    if not isinstance(demo, bool):
        problems.append(_bad("demo", "bool", demo))
    else:
        out["demo"] = demo
    budget = data.get("budget_yuan")
    if budget is not None and not (_is_number(budget) and 0 <= budget <= MAX_BUDGET_YUAN):
        problems.append(_bad("budget_yuan", "yuan", budget))
    elif budget is not None:
        out["budget_yuan"] = round(budget)
    return out, problems


def _is_number(value: object) -> TypeGuard[float]:
    """A finite int or float: TOML also knows nan and inf, which no radius or weight can be."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _read_groups(tables: object) -> tuple[tuple[Group, ...], list[Problem]]:
    if tables is None:
        return (), [Problem("no_groups", FILE)]
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        return (), [_bad("groups", "table_list", type(tables).__name__)]
    if not tables:
        return (), [Problem("no_groups", FILE)]
    groups, problems = [], []
    for number, table in enumerate(tables, start=1):
        group, found = _read_group(table, f"groups[{number}]")
        problems += found
        if group is not None:
            groups.append(group)
    problems += _duplicate_groups(groups)
    return tuple(groups), problems


def _read_group(table: dict[str, object], where: str) -> tuple[Group | None, list[Problem]]:
    """The group of one [[groups]] table and its problems.

    A group with a code and a label is returned even when another value is wrong (radius NaN,
    weight 1.0 in its place): the layers are then still checked against it, and the dataset
    is invalid anyway because of the problems returned alongside.
    """
    problems = []
    values: dict[str, Any] = {}
    for key in ("code", "label"):
        value = table.get(key)
        if value is None:
            problems.append(Problem("missing_key", FILE, column=f"{where}.{key}"))
        elif isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            values[key] = str(value).strip()
        else:
            problems.append(_bad(f"{where}.{key}", "text", value))
    for key in ("label_en", "category"):
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(_bad(f"{where}.{key}", "text", value))
        elif value:
            values[key] = value.strip()
    problems += _read_group_numbers(table, where, values)
    if "code" not in values or "label" not in values:
        return None, problems
    group = Group(
        code=values["code"],
        label=values["label"],
        radius_m=values.get("radius_m", math.nan),
        label_en=values.get("label_en"),
        category=values.get("category"),
        weight=values.get("weight", 1.0),
    )
    return group, problems


def _read_group_numbers(
    table: dict[str, object], where: str, values: dict[str, Any]
) -> list[Problem]:
    problems = []
    radius = table.get("radius_m")
    if radius is None:
        problems.append(Problem("missing_key", FILE, column=f"{where}.radius_m"))
    elif not (_is_number(radius) and 0 < radius <= MAX_RADIUS_M):
        problems.append(_bad(f"{where}.radius_m", "positive", radius))
    else:
        values["radius_m"] = float(radius)
    weight = table.get("weight", 1.0)
    if not (_is_number(weight) and 0 <= weight <= MAX_WEIGHT):
        problems.append(_bad(f"{where}.weight", "weight", weight))
    else:
        values["weight"] = float(weight)
    return problems


def _duplicate_groups(groups: list[Group]) -> list[Problem]:
    problems = []
    for attribute in ("code", "label"):
        seen: set[str] = set()
        for group in groups:
            key = normalize_name(getattr(group, attribute))
            if key in seen:
                params = {"value": getattr(group, attribute)}
                problems.append(Problem("duplicate_group", FILE, column=attribute, params=params))
            seen.add(key)
    return problems
