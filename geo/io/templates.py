"""Blank XLSX templates for a dataset's tables: Chinese headers and one example row each.

The headers are the Chinese column names that the readers accept (see the dataset contract);
a user fills in a copy, saves it as ``sites.xlsx`` (etc.) in a dataset folder and uploads it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final

import pandas as pd

from geo.dataset import Group
from geo.errors import check_choice
from geo.text.cells import inert_frame

__all__ = ["DATASET_TOML_EXAMPLE", "TEMPLATE_LAYERS", "template_frame", "template_xlsx"]

TEMPLATE_LAYERS: Final = ("townships", "sites", "demand", "projects")

_EXAMPLES: Final[dict[str, dict[str, object]]] = {
    "townships": {"代码": "321311113", "名称": "新庄镇"},
    "sites": {
        "编号": "S001",
        "名称": "振友社区妇女之家",
        "类型": "站点",
        "类别": "妇女之家",
        "服务群体": "",
        "经度": 118.4531,
        "纬度": 33.9645,
        "服务半径": 1500,
        "服务能力": 300,
        "评估等级": "",
        "年检": "是",
    },
    "demand": {
        "编号": "V001",
        "名称": "振友社区",
        "所属乡镇": "新庄镇",
        "经度": 118.4531,
        "纬度": 33.9645,
    },
    "projects": {
        "编号": "P2021-01",
        "项目名称": "银龄守护·留守老人关爱探访",
        "实施组织": "宿豫区某社会组织",
        "年度": 2021,
        "资助金额": 50000,
        "服务群体": "",
        "服务乡镇": "新庄镇",
        "服务人次": 6000,
    },
}

DATASET_TOML_EXAMPLE: Final = """\
name = "某区（2024年）"
demo = false
coordinates = "gcj02"        # wgs84 | cgcs2000 | gcj02 | bd09
budget_yuan = 300000

[[groups]]
code = "elders_left_behind"
label = "留守老人"
label_en = "Left-behind elders"
category = "为老"
radius_m = 1500
weight = 1.0
"""


def template_frame(layer: str, groups: Sequence[Group]) -> pd.DataFrame:
    """The template of ``layer`` as a one-row frame (Chinese headers, an example row).

    Group names in the example come from ``groups``: sites and projects list the first two
    groups' labels, demand has one count column per group.

    Raises
    ------
    OptionError
        For a layer other than townships, sites, demand or projects.
    """
    check_choice("layer", layer, TEMPLATE_LAYERS)
    row = dict(_EXAMPLES[layer])
    labels = [g.label for g in groups]
    if "服务群体" in row:
        row["服务群体"] = "；".join(labels[:2])
    if layer == "demand":
        row.update({label: 10 * (i + 1) for i, label in enumerate(labels)})
    return pd.DataFrame([row])


def template_xlsx(layer: str, groups: Sequence[Group]) -> bytes:
    """The template of ``layer`` as an XLSX workbook (one sheet named after the layer)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        inert_frame(template_frame(layer, groups)).to_excel(writer, sheet_name=layer, index=False)
        sheet = writer.sheets[layer]
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 16
    return buffer.getvalue()
