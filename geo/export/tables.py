"""Report tables: township summary, coverage by group, gaps, funding, sites, unassigned points.

Each table is a ``pandas.DataFrame`` with headers in the reader's language plus a number
format per column, written to XLSX (one sheet per table, header row frozen, Excel number
formats, auto filter) or to CSV in UTF-8 with a byte-order mark, which Excel on Windows needs
to recognise UTF-8 instead of reading the Chinese as GBK mojibake.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from geo.dataset import Dataset
from geo.export.layout import edition_text, today_text
from geo.privacy import gap_ranking, public_groups, public_townships
from geo.selection import unreached_villages
from geo.siting import SitingResult
from geo.summary import Summary
from geo.text.cells import inert_frame
from geo.text.i18n import display_width, t

__all__ = [
    "NUMBER_FORMATS",
    "ReportTable",
    "csv_bytes",
    "funding_table",
    "gap_table",
    "group_table",
    "report_table",
    "report_tables",
    "sites_table",
    "suggestion_table",
    "township_table",
    "unassigned_table",
    "unreached_table",
    "write_csv",
    "write_xlsx",
    "xlsx_bytes",
]

Kind = Literal["text", "int", "count", "percent", "yuan", "score", "coord", "decimal"]

#: Excel number format per kind of column.
NUMBER_FORMATS: Final[dict[str, str]] = {
    "text": "@",
    "int": "0",
    "count": "#,##0",
    "percent": "0.0%",
    "yuan": "#,##0",
    "score": "#,##0.0",
    "coord": "0.000000",
    "decimal": "#,##0.00",
}

# Column key -> (catalog key of its header, kind).
_COLUMNS: Final[dict[str, tuple[str, Kind]]] = {
    "rank": ("export.col.rank", "int"),
    "code": ("col.code", "text"),
    "name": ("col.name", "text"),
    "group": ("col.group", "text"),
    "organizations": ("col.organizations", "int"),
    "stations": ("col.stations", "int"),
    "people": ("col.people", "count"),
    "covered": ("col.covered", "count"),
    "unreached": ("col.unreached", "count"),
    "coverage": ("col.coverage", "percent"),
    "rated_share": ("col.rated_share", "percent"),
    "inspected_share": ("col.inspected_share", "percent"),
    "projects": ("col.projects", "int"),
    "projects_yuan": ("col.projects_yuan", "yuan"),
    "funding_score": ("col.funding_score", "score"),
    "funding_share": ("col.funding_share", "percent"),
    "funding_yuan": ("col.funding_yuan", "yuan"),
    "difference": ("export.col.difference", "yuan"),
    "id": ("export.col.id", "text"),
    "site_name": ("export.col.site_name", "text"),
    "kind": ("col.kind", "text"),
    "category": ("export.col.category", "text"),
    "groups": ("export.col.groups", "text"),
    "township": ("col.name", "text"),
    "radius_m": ("export.col.radius_m", "count"),
    "capacity": ("export.col.capacity", "count"),
    "rating": ("export.col.rating", "text"),
    "inspected": ("export.col.inspected", "text"),
    "lon": ("export.col.lon", "coord"),
    "lat": ("export.col.lat", "coord"),
    "layer": ("export.col.layer", "text"),
    "village_id": ("export.col.village_id", "text"),
    "village": ("export.col.village", "text"),
    "nearest_site": ("export.col.nearest_site", "text"),
    "distance_m": ("export.col.distance_m", "count"),
    "site_radius_m": ("export.col.site_radius_m", "count"),
}


@dataclass(frozen=True)
class ReportTable:
    """A table ready to write: localized headers, and an Excel format per column."""

    sheet: str
    frame: pd.DataFrame
    formats: tuple[str, ...]


def _finish(frame: pd.DataFrame, sheet_key: str, lang: str) -> ReportTable:
    """Rename the column keys to headers in ``lang`` and attach their number formats."""
    headers = [t(_COLUMNS[c][0], lang) for c in frame.columns]
    formats = tuple(NUMBER_FORMATS[_COLUMNS[c][1]] for c in frame.columns)
    out = frame.reset_index(drop=True)
    out.columns = headers
    return ReportTable(t(sheet_key, lang), out, formats)


def _townships(summary: Summary) -> pd.DataFrame:
    """The township rows, as the public sees them in the public edition."""
    disclosure = summary.disclosure
    rows = summary.townships if disclosure is None else public_townships(summary, disclosure)
    return rows.rename_axis("code").reset_index()


def township_table(summary: Summary, lang: str = "zh") -> ReportTable:
    """One row per township: sites, people, reach, quality shares, projects, recommendation.

    In the public edition (``geo.privacy.public_summary``) small counts read "<k", counts that
    would give one away by subtraction "*".
    """
    table = _townships(summary)
    columns = ["code", "name", "organizations", "stations", "people", "covered", "unreached"]
    columns += ["coverage", "rated_share", "inspected_share", "projects", "projects_yuan"]
    columns += ["funding_score", "funding_share", "funding_yuan"]
    return _finish(table[columns], "export.sheet.townships", lang)


def group_table(summary: Summary, lang: str = "zh") -> ReportTable:
    """Township x group in long form: people, covered, out of reach and coverage per group.

    The public edition as :func:`township_table`.
    """
    disclosure = summary.disclosure
    names = summary.townships["name"]
    figures = {
        "people": summary.demand.astype(float),
        "covered": summary.covered.astype(float),
        "unreached": (summary.demand - summary.covered).astype(float),
        "coverage": summary.coverage.astype(float),
    }
    if disclosure is not None:
        figures = public_groups(summary, disclosure)
    frames = [
        pd.DataFrame(
            {
                "code": summary.demand.index,
                "name": names.reindex(summary.demand.index).to_numpy(),
                "group": g.display(lang),
                **{key: figures[key][g.code].to_numpy() for key in _GROUP_FIGURES},
            }
        )
        for g in summary.groups
    ]
    return _finish(pd.concat(frames, ignore_index=True), "export.sheet.groups", lang)


_GROUP_FIGURES = ("people", "covered", "unreached", "coverage")


def gap_table(summary: Summary, lang: str = "zh") -> ReportTable:
    """Townships ranked by people out of reach (most first), with coverage and sites.

    In the public edition the townships whose figures are protected come last in their own
    order: a rank between two shown figures would bound the hidden one.
    """
    table = gap_ranking(_townships(summary))
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    columns = ["rank", "code", "name", "people", "covered", "unreached", "coverage"]
    columns += ["organizations", "stations"]
    return _finish(table[columns], "export.sheet.gaps", lang)


def funding_table(summary: Summary, lang: str = "zh") -> ReportTable:
    """Recommended allocation next to the venture projects' actual amounts per township.

    The public edition as :func:`township_table`.
    """
    table = _townships(summary)
    yuan = pd.to_numeric(table["funding_yuan"], errors="coerce")
    table["difference"] = (yuan - table["projects_yuan"]).astype(object).where(yuan.notna(), "*")
    columns = ["code", "name", "unreached", "funding_score", "funding_share", "funding_yuan"]
    columns += ["projects", "projects_yuan", "difference"]
    return _finish(table[columns], "export.sheet.funding", lang)


def sites_table(summary: Summary, lang: str = "zh") -> ReportTable:
    """Every site with its kind, groups (as labels), township, radius, rating and position."""
    ds = summary.dataset
    sites = ds.sites
    labels = {g.code: g.display(lang) for g in ds.groups}
    towns = ds.townships.set_index("code")["name"]
    sep = t("export.sep", lang)
    table = pd.DataFrame(
        {
            "id": sites["id"].astype(str),
            "site_name": sites["name"],
            "kind": sites["kind"].map(lambda k: t(f"kind.{k}", lang)),
            "category": sites["category"],
            "groups": sites["groups"].map(lambda gs: sep.join(labels.get(g, g) for g in gs)),
            "township": sites["township"].map(towns),
            "radius_m": sites["radius_m"],
            "capacity": sites["capacity"],
            "rating": sites["rating"],
            "inspected": sites["inspected"].map(lambda v: _yes_no(v, lang)),
            "lon": sites.geometry.x,
            "lat": sites.geometry.y,
        }
    )
    return _finish(table, "export.sheet.sites", lang)


def _yes_no(value: object, lang: str) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return t("yes" if bool(value) else "no", lang)


def unassigned_table(summary: Summary, lang: str = "zh") -> ReportTable:
    """Sites and demand points that lie in no township (left out of the township totals)."""
    ds = summary.dataset
    parts = []
    for key, frame, ids in (
        ("layer.sites", ds.sites, summary.unassigned_sites),
        ("layer.demand", ds.demand, summary.unassigned_demand),
    ):
        rows = frame[frame["id"].astype(str).isin([str(i) for i in ids])]
        has_point = rows.geometry.notna()
        parts.append(
            pd.DataFrame(
                {
                    "layer": t(key, lang),
                    "id": rows["id"].astype(str),
                    "site_name": rows["name"],
                    "lon": rows.geometry.x.where(has_point),
                    "lat": rows.geometry.y.where(has_point),
                }
            )
        )
    return _finish(pd.concat(parts, ignore_index=True), "export.sheet.unassigned", lang)


def unreached_table(
    summary: Summary, lang: str = "zh", *, township: str | None = None, most: int | None = None
) -> ReportTable:
    """The villages out of reach per group, with the nearest serving site and its distance.

    One row per village and group, from ``geo.selection.unreached_villages`` (metres); with
    ``most``, only the rows with the most people out of reach (a screen's worth of a
    province's quarter of a million). The public edition leaves out the rows of small
    groups: a village name with "<k" people out of reach would point at a household, as a
    point on the map would.
    """
    hidden = None if summary.disclosure is None else summary.disclosure.hidden
    villages = unreached_villages(summary, township, hidden, most=most)
    labels = {g.code: g.display(lang) for g in summary.groups}
    table = pd.DataFrame(
        {
            "township": villages["township_name"].fillna(t("map.outside", lang)),
            "village_id": villages["id"].astype(str),
            "village": villages["name"],
            "group": villages["group"].map(labels),
            "unreached": villages["unreached"].astype(float),
            "nearest_site": villages["site_name"],
            "distance_m": villages["distance_m"].astype(float).round(),
            "site_radius_m": villages["radius_m"].astype(float),
        }
    )
    return _finish(table, "export.sheet.unreached", lang)


def report_tables(summary: Summary, lang: str = "zh") -> list[ReportTable]:
    """The tables of a report, in sheet order (the public edition's for a public summary).

    The public edition leaves out the list of points in no township: each is one place.
    """
    builders = [township_table, group_table, gap_table, unreached_table, funding_table]
    builders.append(sites_table)
    if not summary.public:
        builders.append(unassigned_table)
    return [build(summary, lang) for build in builders]


def report_table(frame: pd.DataFrame, sheet: str) -> ReportTable:
    """Wrap a table that already has readable headers (its index becomes the first column).

    Whole numbers get thousands separators, other numbers Excel's general format (so that
    coordinates keep their decimals), text stays text.
    """
    frame = frame.reset_index() if frame.index.name else frame.reset_index(drop=True)
    formats = tuple(_general_format(dtype) for dtype in frame.dtypes)
    return ReportTable(sheet, frame, formats)


def _general_format(dtype: np.dtype | pd.api.extensions.ExtensionDtype) -> str:
    if pd.api.types.is_integer_dtype(dtype):
        return NUMBER_FORMATS["count"]
    return "General" if pd.api.types.is_float_dtype(dtype) else NUMBER_FORMATS["text"]


def csv_bytes(table: ReportTable) -> bytes:
    """``table`` as CSV in UTF-8 with BOM (so that Excel on Windows reads the Chinese)."""
    text = inert_frame(table.frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def write_csv(table: ReportTable, path: Path | str) -> Path:
    """``table`` written by :func:`csv_bytes` to ``path``."""
    path = Path(path)
    path.write_bytes(csv_bytes(table))
    return path


def xlsx_bytes(table: ReportTable) -> bytes:
    """``table`` alone in a workbook: header row frozen and styled, number formats set."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        inert_frame(table.frame).to_excel(writer, sheet_name=table.sheet[:31], index=False)
        _style_sheet(writer.sheets[table.sheet[:31]], table)
    return buffer.getvalue()


def write_xlsx(
    summary: Summary,
    path: Path | str,
    *,
    lang: str = "zh",
    day: date | None = None,
) -> Path:
    """A sheet about the data (internal or public first), then every report table, one a sheet.

    Headers are bold on grey with the row frozen and an auto filter; every numeric column has
    an Excel number format (thousands separators, percentages with one decimal, yuan).
    A public summary (``geo.privacy.public_summary``) writes the public edition.
    """
    path = Path(path)
    tables = report_tables(summary, lang)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        about = inert_frame(_about_frame(summary.dataset, summary, lang, day))
        about.to_excel(writer, sheet_name=t("export.pack.method", lang)[:31], index=False)
        _style_about(writer.sheets[t("export.pack.method", lang)[:31]])
        for table in tables:
            inert_frame(table.frame).to_excel(writer, sheet_name=table.sheet[:31], index=False)
            _style_sheet(writer.sheets[table.sheet[:31]], table)
    return path


def _style_sheet(sheet: Worksheet, table: ReportTable) -> None:
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E7ECF2")
    for col, fmt in enumerate(table.formats, start=1):
        cell = sheet.cell(row=1, column=col)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
            row[0].number_format = fmt
        width = _column_width(table.frame.iloc[:, col - 1], str(table.frame.columns[col - 1]))
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions


def _column_width(values: pd.Series, header: str) -> float:
    sample = (
        values.head(200).dropna().map(lambda v: f"{v:,.1f}" if isinstance(v, float) else str(v))
    )
    widest = max([display_width(header), *sample.map(display_width).tolist()])
    return float(min(max(widest + 2, 8), 48))


def _about_frame(
    dataset: Dataset,
    summary: Summary,
    lang: str,
    day: date | None,
) -> pd.DataFrame:
    status = (
        t("export.pack.status_demo", lang)
        if dataset.demo
        else t("export.pack.status_real", lang, name=dataset.name)
    )
    rows = [
        (t("export.about.edition", lang), edition_text(summary, lang)),
        (t("data.loaded", lang), dataset.name),
        (t("export.about.status", lang), status),
        (t("data.source", lang), str(dataset.metadata.get("source") or dataset.name)),
        (t("export.about.date", lang), today_text(day, lang)),
        (t("funding.budget", lang), f"{summary.budget_yuan:,}"),
    ]
    rows += [
        (t("export.about.group", lang, group=g.display(lang)), f"{g.radius_m:g} / {g.weight:g}")
        for g in summary.groups
    ]
    return pd.DataFrame(rows, columns=[t("export.about.item", lang), t("export.about.value", lang)])


def _style_about(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def suggestion_table(result: SitingResult, dataset: Dataset, lang: str = "zh") -> pd.DataFrame:
    """The suggested stations as people read and export them, headers in ``lang``.

    Returns
    -------
    pandas.DataFrame
        Index: rank (1 = chosen first); columns: township name, candidate id, candidate
        name, longitude and latitude (WGS-84, 6 decimals), people newly within reach (whole
        numbers where the data are whole).
    """
    rows = result.suggestions
    names = dataset.townships.set_index("code")["name"]
    township = rows["township"].map(names).fillna(t("map.outside", lang))
    gain = rows["gain"].to_numpy(dtype=float)
    whole = np.allclose(gain, np.round(gain))
    return pd.DataFrame(
        {
            t("siting.col.township", lang): township.to_numpy(),
            t("siting.col.candidate", lang): rows["candidate_id"].to_numpy(),
            t("siting.col.name", lang): rows["name"].to_numpy(),
            t("siting.col.lon", lang): rows["lon"].round(6).to_numpy(),
            t("siting.col.lat", lang): rows["lat"].round(6).to_numpy(),
            t("siting.col.gain", lang): np.round(gain).astype(int) if whole else gain,
        },
        index=pd.Index(rows["rank"].to_numpy(), name=t("siting.col.rank", lang)),
    )
