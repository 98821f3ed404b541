"""Township tables as people read them (headers in their language) and as files to download.

CSV is written in UTF-8 with a byte-order mark, so that Excel on Windows opens Chinese text
correctly; XLSX with a frozen header row.
"""

from __future__ import annotations

import io

import pandas as pd

from geo.i18n import t
from geo.summary import Summary

__all__ = [
    "FUNDING_COLUMNS",
    "GAP_COLUMNS",
    "funding_table",
    "gap_table",
    "to_csv_bytes",
    "to_xlsx_bytes",
]

GAP_COLUMNS = ("name", "people", "covered", "unreached", "coverage", "organizations", "stations")
FUNDING_COLUMNS = (
    "name",
    "people",
    "unreached",
    "funding_score",
    "funding_share",
    "funding_yuan",
    "projects",
    "projects_yuan",
)


def _headed(table: pd.DataFrame, columns: tuple[str, ...], lang: str) -> pd.DataFrame:
    out = table.loc[:, list(columns)].copy()
    out.index.name = t("col.code", lang)
    return out.rename(columns={c: t(f"col.{c}", lang) for c in columns})


def gap_table(summary: Summary, lang: str = "zh") -> pd.DataFrame:
    """Townships ranked by people out of reach (largest gap first), with readable headers."""
    ranked = summary.townships.sort_values(["unreached", "coverage"], ascending=[False, True])
    return _headed(ranked, GAP_COLUMNS, lang)


def funding_table(summary: Summary, lang: str = "zh") -> pd.DataFrame:
    """Recommended allocation next to the actual projects' amounts, one row per township.

    ``funding_yuan`` is the recommended share of the budget (adds up to the budget);
    ``projects_yuan`` the venture projects' amounts (each split evenly over its townships).
    """
    return _headed(summary.townships, FUNDING_COLUMNS, lang)


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """``table`` (with its index) as CSV in UTF-8 with a byte-order mark."""
    return table.to_csv(index=True).encode("utf-8-sig")


def to_xlsx_bytes(table: pd.DataFrame, *, sheet: str = "Sheet1") -> bytes:
    """``table`` (with its index) as an XLSX workbook with the header row frozen."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], freeze_panes=(1, 1))
        worksheet = writer.sheets[sheet[:31]]
        for column in worksheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            worksheet.column_dimensions[column[0].column_letter].width = min(8 + 1.6 * width, 40)
    return buffer.getvalue()
