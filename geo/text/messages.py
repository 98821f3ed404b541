"""A :class:`~geo.errors.Problem` as one sentence, in Chinese or English.

The template of each ``Problem.code`` is the catalog entry ``problem.<code>`` of
:mod:`geo.text.i18n`. A message is a location prefix built from the problem's file, row and
column, followed by that template with ``Problem.params`` substituted::

    sites.csv 第 7 行，列“经度”：应为 -180 到 180 之间的数字，实际为“abc”。
    sites.csv, row 7, column 'lon': expected a number between -180 and 180, found 'abc'.

``params["expected"]`` may be a key ``K`` of a catalog entry ``expected.K`` (localised here) or
free text.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.errors import Problem
from geo.text.i18n import CATALOG, LANGS

__all__ = ["EXPECTED_KEYS", "PROBLEM_CODES", "render_problem"]

#: Every ``Problem.code`` with a message template.
PROBLEM_CODES = tuple(k.removeprefix("problem.") for k in CATALOG if k.startswith("problem."))
#: Every key ``params["expected"]`` may name.
EXPECTED_KEYS = tuple(k.removeprefix("expected.") for k in CATALOG if k.startswith("expected."))

_MAX_LISTED = 20
_MAX_VALUE_CHARS = 60
_GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")


def render_problem(problem: Problem, lang: str = "zh") -> str:
    """One problem as one sentence in ``lang``.

    Parameters
    ----------
    problem
        The problem; ``problem.code`` selects the template, ``problem.params`` fills it.
    lang
        ``"zh"`` (default) or ``"en"``; anything else falls back to Chinese.

    Returns
    -------
    str
        The location (file, row, column where known) followed by what was expected and found.
    """
    lang = lang if lang in LANGS else "zh"
    template = CATALOG.get(f"problem.{problem.code}")
    if template is None:
        body = _render_unknown(problem, lang)
    else:
        params = _localise_params(problem, lang)
        body = template[lang].format_map(_Defaulting(params))
    return _render_location(problem, lang) + body


def _render_location(problem: Problem, lang: str) -> str:
    is_toml = problem.file.endswith(".toml")
    is_geo = problem.file.lower().endswith(_GEO_SUFFIXES)
    parts_zh, parts_en = [problem.file], [problem.file]
    if problem.row is not None:
        parts_zh.append(f" 第 {problem.row} {_row_unit(is_toml, is_geo, 'zh')}")
        parts_en.append(f", {_row_unit(is_toml, is_geo, 'en')} {problem.row}")
    if problem.column is not None:
        parts_zh.append(f"{'，' if problem.row is not None else ' '}")
        parts_zh.append(f"{'项' if is_toml else '列'}“{problem.column}”")
        parts_en.append(f", {'key' if is_toml else 'column'} '{problem.column}'")
    return "".join(parts_zh) + "：" if lang == "zh" else "".join(parts_en) + ": "


def _row_unit(is_toml: bool, is_geo: bool, lang: str) -> str:
    if is_toml:
        return "行" if lang == "zh" else "line"
    if is_geo:
        return "个要素" if lang == "zh" else "feature"
    return "行" if lang == "zh" else "row"


def _localise_params(problem: Problem, lang: str) -> dict[str, str]:
    params = {key: _format_value(value, lang) for key, value in problem.params.items()}
    expected = problem.params.get("expected")
    if isinstance(expected, str) and f"expected.{expected}" in CATALOG:
        # zh entries that start with Latin text carry their own leading space: "应为 -180 ..."
        params["expected"] = CATALOG[f"expected.{expected}"][lang]
    is_geo = problem.file.lower().endswith(_GEO_SUFFIXES)
    params.setdefault("unit", _row_unit(False, is_geo, lang))
    return params


def _format_value(value: object, lang: str) -> str:
    if isinstance(value, str):
        return _shorten(value)
    if isinstance(value, Iterable):
        return _format_list([str(v) for v in value], lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _format_list(items: list[str], lang: str) -> str:
    shown = [_shorten(item) for item in items[:_MAX_LISTED]]
    sep = "、" if lang == "zh" else ", "
    text = sep.join(shown)
    if len(items) > _MAX_LISTED:
        more = len(items) - _MAX_LISTED
        text += f" 等（另有 {more} 个）" if lang == "zh" else f" and {more} more"
    return text


def _shorten(text: str) -> str:
    if len(text) <= _MAX_VALUE_CHARS:
        return text
    return text[: _MAX_VALUE_CHARS - 1] + "…"


def _render_unknown(problem: Problem, lang: str) -> str:
    details = ", ".join(f"{k}={_format_value(v, lang)}" for k, v in problem.params.items())
    end = "。" if lang == "zh" else "."
    return problem.code + (f" ({details})" if details else "") + end


class _Defaulting(dict[str, str]):
    """Leaves a placeholder visible instead of raising when a parameter was not given."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
