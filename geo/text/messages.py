"""Message templates for every ``Problem.code``, in Chinese and English.

A message is a location prefix built from the problem's file, row and column, followed by the
template of its code with ``Problem.params`` substituted::

    sites.csv 第 7 行，列“经度”：应为 -180 到 180 之间的数字，实际为“abc”。
    sites.csv, row 7, column 'lon': expected a number between -180 and 180, found 'abc'.

``params["expected"]`` may be a key of :data:`EXPECTED` (localised here) or free text.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.errors import Problem

__all__ = ["EXPECTED", "LANGS", "TEMPLATES", "render_problem"]

LANGS = ("zh", "en")

TEMPLATES: dict[str, dict[str, str]] = {
    # the folder and its files
    "folder_missing": {
        "zh": "找不到数据集文件夹。",
        "en": "the dataset folder does not exist.",
    },
    "not_a_folder": {
        "zh": "不是文件夹；数据集应是一个包含 dataset.toml 和各图层文件的文件夹。",
        "en": "is not a folder; a dataset is a folder holding dataset.toml and the layer files.",
    },
    "file_missing": {
        "zh": "缺少必需的文件，应为 {expected} 之一（文件名须按此用英文命名）。",
        "en": "required file missing; expected one of {expected} (named exactly so).",
    },
    "config_missing": {
        "zh": "缺少数据集说明文件（其中定义坐标系和服务群体）。",
        "en": "the dataset description is missing (it defines the datum and the groups).",
    },
    "file_unsupported": {
        "zh": "文件格式不受支持，请另存为 {expected} 之一。",
        "en": "this file format is not supported; save it as one of {expected}.",
    },
    "file_ambiguous": {
        "zh": "同一图层有多个文件：{files}；请只保留一个。",
        "en": "several files for the same layer: {files}; keep only one.",
    },
    "duplicate_across_files": {
        "zh": "编号“{id}”的这一行与 {other_file} 第 {other_row} 行完全相同，只保留一条。",
        "en": "id '{id}' repeats {other_file} row {other_row} exactly; it is kept once.",
    },
    "conflict_across_files": {
        "zh": (
            "编号“{id}”也出现在 {other_file} 第 {other_row} 行，但内容不同（{columns}）；"
            "请核对后只保留正确的一条。"
        ),
        "en": (
            "id '{id}' is also in {other_file} row {other_row}, with other values ({columns}); "
            "keep only the right one."
        ),
    },
    "file_unreadable": {
        "zh": "无法读取文件：{reason}。",
        "en": "the file cannot be read: {reason}.",
    },
    "file_empty": {
        "zh": "文件是空的。",
        "en": "the file is empty.",
    },
    "file_binary": {
        "zh": "不是文本表格（内容是二进制数据），请另存为 CSV 或 XLSX。",
        "en": "is not a text table (it holds binary data); save it as CSV or XLSX.",
    },
    "file_format_mismatch": {
        "zh": "文件内容是 {found} 格式，与扩展名不符；请另存为 {expected}。",
        "en": (
            "the file holds {found} data, which does not match its extension; "
            "save it as {expected}."
        ),
    },
    "file_encoding": {
        "zh": "无法识别文字编码（已尝试 UTF-8 和 GB18030），请以 UTF-8 编码重新保存。",
        "en": "unknown text encoding (tried UTF-8 and GB18030); save it again in UTF-8.",
    },
    "csv_malformed": {
        "zh": "无法按 CSV 解析：{reason}。",
        "en": "cannot be parsed as CSV: {reason}.",
    },
    "csv_unclosed_quote": {
        "zh": (
            "这一格以英文双引号开头，但引号没有结束，下面各行都被并进了这一格；"
            "请删除这个引号或补上结束的引号。"
        ),
        "en": (
            "this cell opens a double quote that is never closed, so the rows below were "
            "swallowed into it; remove the quote or close it."
        ),
    },
    "xlsx_invalid": {
        "zh": (
            "不是有效的 XLSX 工作簿，可能已损坏或没有复制完整（{reason}）；"
            "请用 Excel 打开后重新另存为 .xlsx。"
        ),
        "en": (
            "is not a valid XLSX workbook; it may be damaged or incompletely copied ({reason}); "
            "open it in Excel and save it again as .xlsx."
        ),
    },
    "zip_invalid": {
        "zh": "不是有效的 ZIP 压缩包（可能不完整或已损坏），请重新压缩。",
        "en": "is not a valid zip archive (it may be incomplete or damaged); zip the files again.",
    },
    "shapefile_incomplete": {
        "zh": (
            "压缩包中缺少 Shapefile 的 {missing} 文件；"
            "请把同名的 .shp、.shx、.dbf 和 .prj 文件一起压缩。"
        ),
        "en": (
            "the zip archive lacks the shapefile's {missing}; "
            "zip the .shp, .shx, .dbf and .prj files of the same name together."
        ),
    },
    "no_geometry": {
        "zh": "没有几何图形（只有属性表），无法确定位置。",
        "en": "holds no geometry (only an attribute table), so nothing can be located.",
    },
    "json_invalid": {
        "zh": "JSON 格式错误，位于第 {line} 行第 {col} 个字符（{reason}）；文件可能不完整。",
        "en": "invalid JSON at line {line}, character {col} ({reason}); the file may be truncated.",
    },
    "geojson_invalid": {
        "zh": "JSON 格式正确，但不是 GeoJSON 要素集合（FeatureCollection）。",
        "en": "is valid JSON but not a GeoJSON FeatureCollection.",
    },
    "layer_unreadable": {
        "zh": "无法读取空间数据：{reason}。",
        "en": "cannot be read as spatial data: {reason}.",
    },
    "layer_ambiguous": {
        "zh": "包含多个图层（{found}），请把要使用的图层命名为“{expected}”。",
        "en": "holds several layers ({found}); name the one to use '{expected}'.",
    },
    "no_rows": {
        "zh": "没有任何数据行。",
        "en": "has no data rows.",
    },
    "extra_cells": {
        "zh": "该行有 {found} 个单元格，比表头的 {expected} 列多。",
        "en": "this row has {found} cells, more than the {expected} columns of the header.",
    },
    # dataset.toml
    "toml_invalid": {
        "zh": (
            "TOML 语法错误（{reason}）。请检查这一行："
            "文字要用英文双引号括起来，数字不能带单位或中文。"
        ),
        "en": "TOML syntax error: {reason}.",
    },
    "missing_key": {
        "zh": "缺少必填项。",
        "en": "this required setting is missing.",
    },
    "unknown_datum": {
        "zh": (
            "坐标系“{found}”不受支持，应为 {expected} 之一"
            "（wgs84：GPS；cgcs2000：国家 2000 坐标系；gcj02：高德、腾讯地图；bd09：百度地图）。"
        ),
        "en": (
            "coordinate datum '{found}' is not supported; expected one of {expected} "
            "(wgs84: GPS; cgcs2000: China Geodetic 2000; gcj02: AMap/Tencent maps; "
            "bd09: Baidu maps)."
        ),
    },
    "no_groups": {
        "zh": "至少需要定义一个 [[groups]] 服务群体。",
        "en": "at least one [[groups]] beneficiary group must be defined.",
    },
    "duplicate_group": {
        "zh": "“{value}”在多个 [[groups]] 中出现。",
        "en": "'{value}' appears in more than one [[groups]] table.",
    },
    # columns and cells
    "missing_column": {
        "zh": "缺少必需的列“{alias}”（也可写作“{name}”）。",
        "en": "required column '{name}' (or '{alias}') is missing.",
    },
    "duplicate_column": {
        "zh": "列 {found} 都表示“{name}”，请只保留一列。",
        "en": "columns {found} all mean '{name}'; keep only one.",
    },
    "column_empty": {
        "zh": "整列都是空的，每一行都要填写。",
        "en": "the whole column is empty; every row needs a value.",
    },
    "empty_value": {
        "zh": "不能为空。",
        "en": "must not be empty.",
    },
    "bad_value": {
        "zh": "应为{expected}，实际为“{found}”。",
        "en": "expected {expected}, found '{found}'.",
    },
    "duplicate_value": {
        "zh": "“{value}”重复，第 {first} {unit}已经用过。",
        "en": "'{value}' is repeated; it is already used in {unit} {first}.",
    },
    "lat_lon_swapped": {
        "zh": (
            "经纬度可能颠倒：经度为 {lon}，纬度为 {lat}（中国境内经度约 73～136，纬度约 3～54）。"
        ),
        "en": (
            "latitude and longitude look swapped: lon {lon}, lat {lat} "
            "(in China longitudes are about 73 to 136 and latitudes 3 to 54)."
        ),
    },
    "coordinates_missing": {
        "zh": "缺少坐标，经度和纬度都要填写。",
        "en": "coordinates are missing; fill in both lon and lat.",
    },
    "unknown_group": {
        "zh": "未知的服务群体“{found}”；dataset.toml 中定义的群体有：{known}。",
        "en": "unknown group '{found}'; the groups defined in dataset.toml are: {known}.",
    },
    "unknown_township": {
        "zh": "未知的乡镇“{found}”；应为 {townships_file} 中某个乡镇的代码或名称。",
        "en": (
            "unknown township '{found}'; "
            "expected the code or name of a township in {townships_file}."
        ),
    },
    "township_required": {
        "zh": "该行没有经纬度，必须填写所属乡镇。",
        "en": "this row has no lon/lat, so its township must be given.",
    },
    "township_mismatch": {
        "zh": (
            "点位于“{found}”境内，与所填乡镇“{given}”不一致（距“{given}”边界 {distance} 米）；"
            "以点的位置为准，请核对坐标或所填乡镇。"
        ),
        "en": (
            "the point lies in '{found}', not in the township given ('{given}'), "
            "{distance} m from its border; the location decides: check the coordinates "
            "or the township."
        ),
    },
    "stated_township_unknown": {
        "zh": "所填乡镇“{given}”不在 {townships_file} 中；以点的位置（{found}）为准。",
        "en": (
            "the township given ('{given}') is not in {townships_file}; the location "
            "decides ({found})."
        ),
    },
    "outside_townships": {
        "zh": "{count} 个点不在任何乡镇边界内，不计入任何乡镇：{ids}。",
        "en": "{count} point(s) outside every township, not counted in any township: {ids}.",
    },
    # geometry
    "geometry_missing": {
        "zh": "没有几何图形。",
        "en": "has no geometry.",
    },
    "geometry_type": {
        "zh": "几何类型为 {found}，应为{expected}。",
        "en": "geometry type is {found}; expected {expected}.",
    },
    "geometry_out_of_range": {
        "zh": (
            "坐标超出经纬度的范围（{found}）；文件可能用的是投影坐标（单位为米）"
            "却没有说明坐标系（缺少 .prj），请导出为经纬度坐标。"
        ),
        "en": (
            "coordinates beyond any longitude or latitude ({found}); the file may hold "
            "projected coordinates (metres) without saying so (no .prj); export it in lon/lat."
        ),
    },
    "geometry_repaired": {
        "zh": "乡镇“{name}”的边界无效（{reason}），已自动修复。",
        "en": "the boundary of township '{name}' was invalid ({reason}) and has been repaired.",
    },
    "geometry_unusable": {
        "zh": "乡镇“{name}”的边界没有面积，无法使用。",
        "en": "the boundary of township '{name}' has no area and cannot be used.",
    },
    "more_problems": {
        "zh": "另有 {count} 处同类问题未逐条列出。",
        "en": "{count} more problems of the same kind are not listed.",
    },
}

EXPECTED: dict[str, dict[str, str]] = {
    "number": {"zh": "数字", "en": "a number"},
    "lon": {"zh": " -180 到 180 之间的数字", "en": "a number between -180 and 180"},
    "lat": {"zh": " -90 到 90 之间的数字", "en": "a number between -90 and 90"},
    "count": {"zh": "非负整数", "en": "a non-negative whole number"},
    # radii, the one kind of value that must be positive: at most geo.io.config.MAX_RADIUS_M
    "positive": {
        "zh": "大于 0、不超过 100000 的米数",
        "en": "metres, more than 0 and at most 100000",
    },
    "non_negative": {"zh": "不小于 0 的数字", "en": "a number not below 0"},
    "yuan": {"zh": " 0 到 1 万亿之间的元数", "en": "yuan, from 0 to 10^12"},
    "year": {"zh": "四位数的年份", "en": "a four-digit year"},
    "bool": {"zh": " true 或 false", "en": "true or false"},
    "text": {"zh": "文字", "en": "text"},
    "table_list": {"zh": " [[groups]] 表", "en": "[[groups]] tables"},
    "kind": {
        "zh": " organization（组织）或 station（站点）",
        "en": "organization (组织) or station (站点)",
    },
    "inspected": {"zh": "是/否（yes/no）", "en": "yes or no (是/否)"},
    "point": {"zh": "点", "en": "a point"},
    "polygon": {"zh": "面（Polygon/MultiPolygon）", "en": "a polygon (Polygon/MultiPolygon)"},
}

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
    template = TEMPLATES.get(problem.code)
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
    if isinstance(expected, str) and expected in EXPECTED:
        # zh entries that start with Latin text carry their own leading space: "应为 -180 ..."
        params["expected"] = EXPECTED[expected][lang]
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
