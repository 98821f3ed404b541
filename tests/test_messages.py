"""Problem messages: every code has both languages, and the location is always named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.errors import DatasetError, Problem
from geo.text.i18n import CATALOG, LANGS
from geo.text.messages import EXPECTED_KEYS, PROBLEM_CODES, render_problem

GEO = Path(__file__).resolve().parent.parent / "geo"


def test_cell_problem_in_both_languages() -> None:
    problem = Problem(
        "bad_value", "sites.csv", row=7, column="lon", params={"expected": "lon", "found": "abc"}
    )
    assert render_problem(problem, "zh") == (
        "sites.csv 第 7 行，列“lon”：应为 -180 到 180 之间的数字，实际为“abc”。"
    )
    assert render_problem(problem, "en") == (
        "sites.csv, row 7, column 'lon': expected a number between -180 and 180, found 'abc'."
    )


def test_spatial_files_count_features_and_toml_has_keys_and_lines() -> None:
    feature = Problem("empty_value", "townships.geojson", row=3, column="name")
    assert (
        render_problem(feature, "en")
        == "townships.geojson, feature 3, column 'name': must not be empty."
    )
    assert render_problem(feature, "zh").startswith("townships.geojson 第 3 个要素，列“name”：")
    key = Problem("missing_key", "dataset.toml", column="coordinates")
    assert render_problem(key, "zh").startswith("dataset.toml 项“coordinates”：")
    line = Problem("toml_invalid", "dataset.toml", row=4, params={"reason": "Invalid value"})
    assert render_problem(line, "en") == "dataset.toml, line 4: TOML syntax error: Invalid value."


def test_long_lists_are_cut_with_a_count() -> None:
    ids = [f"D{i}" for i in range(25)]
    problem = Problem("outside_townships", "demand.csv", params={"count": 25, "ids": ids})
    assert render_problem(problem, "en").endswith("D19 and 5 more.")
    assert "另有 5 个" in render_problem(problem, "zh")


def test_unknown_language_falls_back_to_chinese() -> None:
    problem = Problem("file_empty", "sites.csv")
    assert render_problem(problem, "fr") == "sites.csv：文件是空的。"


def test_unknown_code_still_names_the_file() -> None:
    assert render_problem(Problem("not_a_code", "x.csv", params={"a": 1}), "en") == (
        "x.csv: not_a_code (a=1)."
    )


def test_report_of_the_exception_lists_every_problem() -> None:
    error = DatasetError([Problem("file_empty", "a.csv"), Problem("file_empty", "b.csv")])
    assert error.report("en") == "a.csv: the file is empty.\nb.csv: the file is empty."


@pytest.mark.parametrize("code", sorted(PROBLEM_CODES))
def test_every_template_has_both_languages_with_the_same_fields(code: str) -> None:
    fields = [set(re.findall(r"{(\w+)}", CATALOG[f"problem.{code}"][lang])) for lang in LANGS]
    assert fields[0] == fields[1]


def test_every_code_used_in_the_code_has_a_template() -> None:
    pattern = re.compile(r'(?:Problem|row_problems|_fail)\(\s*"(\w+)"')
    used = {
        code
        for path in GEO.rglob("*.py")
        for code in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 30
    assert used <= set(PROBLEM_CODES)


def test_expected_values_are_localised() -> None:
    assert {"lon", "lat", "yuan", "polygon"} <= set(EXPECTED_KEYS)
    for key in EXPECTED_KEYS:
        assert all(CATALOG[f"expected.{key}"][lang].strip() for lang in LANGS)
