"""The briefing pack: one A4-landscape PDF for a meeting with the district leadership.

Pages: cover; overview map with key figures; one coverage map per selected group; township
gap ranking (table and chart); recommended funding (map and table) next to the actual
projects; the same as a chart; what changed since the earlier year (when there is one);
method and provenance. Every page is drawn with matplotlib
and written with ``PdfPages``; the Chinese font is embedded as TrueType (Type 42), so the
text stays selectable and searchable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from geo.compare import Comparison
from geo.export import layout as _layout
from geo.export.charts import draw_funding_chart, draw_gap_chart
from geo.export.layout import ALERT, INK, MUTED, PageText, wrap_text
from geo.export.maps import (
    MapLayers,
    change_site_handles,
    class_legend_handles,
    draw_change_map,
    draw_figure_rows,
    draw_funding_map,
    draw_map_page,
    edition_layers,
    finish_map,
    page_text,
    project_layers,
)
from geo.indicators import format_change_pp
from geo.privacy import PROTECTED, gap_ranking, public_text, public_townships
from geo.selection import district_kpis
from geo.summary import Summary
from geo.text.fonts import CjkFont, apply_cjk_font
from geo.text.i18n import (
    display_width,
    format_count,
    format_number,
    format_percent,
    format_yuan,
    t,
)

__all__ = ["PackPage", "build_pack", "pack_pages", "write_pack"]

MAX_TABLE_ROWS: Final = 20
HEADER_BG: Final = "#e7ecf2"


@dataclass(frozen=True)
class PackPage:
    """One page of the pack: its title (for the contents list) and the finished figure."""

    title: str
    figure: Figure


@dataclass(frozen=True)
class _Context:
    summary: Summary
    layers: MapLayers
    lang: str
    day: date | None
    font: CjkFont
    indicator: str


def _kpis(summary: Summary, lang: str) -> list[tuple[str, str]]:
    """The dashboard's headline figures (``geo.selection.district_kpis``), as label/value."""
    kpis = district_kpis(summary)
    funding_label = (
        t("kpi.funding", lang, year=kpis.funding_year)
        if kpis.funding_year
        else t("kpi.funding_any", lang)
    )
    people = format_count(kpis.people, lang)
    coverage = format_percent(kpis.coverage)
    unreached = format_count(kpis.unreached, lang)
    if summary.disclosure is not None:
        exact, k = summary.disclosure.district, summary.disclosure.min_count
        people = public_text(kpis.people, bool(exact["people"]), people, k)
        split = bool(exact["people"] and exact["covered"])
        coverage = public_text(0, split, coverage, k, count=False)
        unreached = public_text(kpis.unreached, bool(exact["unreached"]), unreached, k)
    return [
        (t("kpi.organizations", lang), format_count(kpis.organizations, lang)),
        (t("kpi.stations", lang), format_count(kpis.stations, lang)),
        (t("kpi.people", lang), people),
        (t("kpi.coverage", lang), coverage),
        (t("kpi.unreached", lang), unreached),
        (funding_label, format_yuan(kpis.funding_yuan, lang)),
    ]


# --- pages --------------------------------------------------------------------------------------


def _overview_page(ctx: _Context) -> PackPage:
    fig = _layout.new_page("a4")
    panel = draw_map_page(
        fig, ctx.summary, view="indicator", indicator=ctx.indicator, lang=ctx.lang, day=ctx.day,
        layers=ctx.layers,
    )  # fmt: skip
    draw_figure_rows(panel, _kpis(ctx.summary, ctx.lang), top=0.44)
    name = t(f"indicator.{ctx.indicator}", ctx.lang)
    return PackPage(t("export.pack.overview", ctx.lang, indicator=name), fig)


def _coverage_pages(ctx: _Context) -> list[PackPage]:
    pages = []
    for group in ctx.summary.groups:
        fig = _layout.new_page("a4")
        draw_map_page(
            fig, ctx.summary, view="coverage", group=group.code, lang=ctx.lang, day=ctx.day,
            layers=ctx.layers,
        )  # fmt: skip
        title = t("export.pack.coverage", ctx.lang, group=group.display(ctx.lang))
        pages.append(PackPage(title, fig))
    return pages


def _gap_page(ctx: _Context) -> PackPage:
    lang, summary = ctx.lang, ctx.summary
    fig = _layout.new_page("a4")
    title = t("export.pack.gaps", lang)
    top = _page_header(fig, ctx, title)
    table = gap_ranking(_shown_townships(summary))
    rows = [
        [
            str(rank),
            str(row["name"]),
            _cell(row["people"], format_number),
            _cell(row["covered"], format_number),
            _cell(row["unreached"], format_number),
            _cell(row["coverage"], format_percent),
            format_number(row["organizations"] + row["stations"]),
        ]
        for rank, (_, row) in enumerate(table.head(MAX_TABLE_ROWS).iterrows(), start=1)
    ]
    headers = ["export.col.rank", "col.name", "col.people", "col.covered", "col.unreached"]
    headers += ["col.coverage", "export.col.sites"]
    ax = fig.add_axes((0.03, 0.08, 0.54, top - 0.08))
    draw_table(ax, [t(h, lang) for h in headers], rows)
    chart = fig.add_axes((0.68, 0.1, 0.29, top - 0.16))
    draw_gap_chart(chart, summary, lang=lang)
    chart.set_title(t("export.pack.gaps_chart", lang), loc="left", size=11, weight="bold")
    return PackPage(title, fig)


def _shown_townships(summary: Summary) -> pd.DataFrame:
    """The township rows of the summary's edition: "<k" and "*" where the public one keeps them."""
    if summary.disclosure is None:
        return summary.townships
    return public_townships(summary, summary.disclosure)


def _cell(value: object, number: Callable[[float], str]) -> str:
    """A number formatted, or the public edition's "<k" / "*" as it is."""
    return value if isinstance(value, str) else number(float(value))  # type: ignore[arg-type]


def _funding_page(ctx: _Context) -> PackPage:
    lang, summary = ctx.lang, ctx.summary
    fig = _layout.new_page("a4")
    title = t("export.pack.funding", lang)
    top = _page_header(fig, ctx, title, view="funding")
    ax = fig.add_axes((0.02, 0.17, 0.46, top - 0.17))
    classes, labels = draw_funding_map(ax, ctx.layers, summary, lang=lang)
    finish_map(ax, ctx.layers, lang)
    fig.legend(
        handles=class_legend_handles(classes, labels, lang, public=summary.public),
        loc="lower left",
        bbox_to_anchor=(0.03, 0.055), ncol=3, fontsize=8, frameon=False,
        title=t("export.legend.funding", lang), title_fontsize=9, alignment="left",
    )  # fmt: skip
    table_ax = fig.add_axes((0.51, 0.08, 0.47, top - 0.08))
    draw_table(table_ax, *_funding_rows(summary, lang))
    return PackPage(title, fig)


def _funding_rows(summary: Summary, lang: str) -> tuple[list[str], list[list[str]]]:
    order = summary.townships.sort_values("funding_yuan", ascending=False, kind="stable").index
    if summary.disclosure is not None and not summary.disclosure.funding:
        order = summary.townships.sort_values("projects_yuan", ascending=False).index
    table = _shown_townships(summary).loc[order]
    headers = ["col.name", "col.unreached", "col.funding_share", "col.funding_yuan"]
    headers += ["col.projects_yuan", "export.col.difference"]

    def cells(name: str, row: pd.Series) -> list[str]:
        funding = row["funding_yuan"]
        diff = PROTECTED if isinstance(funding, str) else _signed(funding - row["projects_yuan"])
        return [
            name,
            _cell(row["unreached"], format_number),
            _cell(row["funding_share"], format_percent),
            _cell(funding, format_number),
            format_number(row["projects_yuan"]),
            diff,
        ]

    rows = [cells(str(row["name"]), row) for _, row in table.head(MAX_TABLE_ROWS).iterrows()]
    rows.append(cells(t("export.total", lang), _funding_total(summary)))
    return [t(h, lang) for h in headers], rows


def _funding_total(summary: Summary) -> pd.Series:
    """The total row: the district's out-of-reach count as its edition shows it.

    The allocation's total is the budget and its share 100 %, public either way.
    """
    columns = ["unreached", "funding_share", "funding_yuan", "projects_yuan"]
    total = summary.townships[columns].sum().astype(object)
    disclosure = summary.disclosure
    if disclosure is not None and not disclosure.district["unreached"]:
        value = float(total["unreached"])
        total["unreached"] = public_text(value, False, "", disclosure.min_count)
    return total


def _changes_page(ctx: _Context, comparison: Comparison) -> PackPage:
    """What changed since the earlier year: the change map and the township table."""
    lang = ctx.lang
    fig = _layout.new_page("a4")
    years = t("compare.years", lang, old=_year(comparison.old), new=_year(comparison.new))
    title = t("export.pack.changes", lang, years=years)
    top = _page_header(fig, ctx, title)
    ax = fig.add_axes((0.02, 0.2, 0.46, top - 0.2))
    classes, labels = draw_change_map(ax, ctx.layers, comparison, lang=lang)
    finish_map(ax, ctx.layers, lang)
    handles = [*class_legend_handles(classes, labels, lang), *change_site_handles(comparison, lang)]
    fig.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0.03, 0.045), ncol=3, fontsize=8,
        frameon=False, title=t("compare.legend.title", lang), title_fontsize=9, alignment="left",
    )  # fmt: skip
    table_ax = fig.add_axes((0.51, 0.08, 0.47, top - 0.08))
    draw_table(table_ax, *_change_rows(comparison, lang))
    return PackPage(title, fig)


def _year(summary: Summary) -> str:
    year = summary.dataset.metadata.get("year")
    return str(year) if year else summary.dataset.name


def _change_rows(comparison: Comparison, lang: str) -> tuple[list[str], list[list[str]]]:
    table = comparison.townships.sort_values(
        "coverage_change_pp", kind="stable", na_position="last"
    )
    headers = ["compare.col.name", "compare.col.coverage_old", "compare.col.coverage_new"]
    headers += ["compare.col.coverage_change_pp", "compare.col.sites_opened"]
    headers += ["compare.col.sites_closed"]
    rows = [
        [
            str(row["name"]) + ("" if row["status"] == "both" else "*"),
            format_percent(row["coverage_old"]),
            format_percent(row["coverage_new"]),
            format_change_pp(row["coverage_change_pp"], unit=False),
            format_number(row["sites_opened"]),
            format_number(row["sites_closed"]),
        ]
        for _, row in table.head(MAX_TABLE_ROWS).iterrows()
    ]
    totals = comparison.totals()
    rows.append(
        [
            t("export.total", lang),
            format_percent(totals["coverage_old"]["all"]),
            format_percent(totals["coverage_new"]["all"]),
            format_change_pp(totals["coverage_change_pp"]["all"], unit=False),
            format_number(len(comparison.opened)),
            format_number(len(comparison.closed)),
        ]
    )
    return [t(h, lang) for h in headers], rows


def _signed(value: float) -> str:
    """'+1,200', '-300', '0' (never '-0' from rounding)."""
    whole = round(float(value))
    return f"+{whole:,}" if whole > 0 else f"{whole:,}"


def _funding_chart_page(ctx: _Context) -> PackPage:
    fig = _layout.new_page("a4")
    title = t("export.pack.funding_chart", ctx.lang)
    top = _page_header(fig, ctx, title, view="funding")
    ax = fig.add_axes((0.14, 0.1, 0.8, top - 0.1))
    draw_funding_chart(ax, ctx.summary, lang=ctx.lang)
    return PackPage(title, fig)


def _page_header(fig: Figure, ctx: _Context, title: str, *, view: str = "indicator") -> float:
    """The page's title block; returns the top of the content area below it."""
    base = page_text(ctx.summary, view=view, lang=ctx.lang, day=ctx.day)  # type: ignore[arg-type]
    bottom = _layout.draw_page_text(fig, PageText(title, base.subtitle, base.footer, base.badge))
    return min(0.8, bottom - 0.02)


def draw_table(
    ax: Axes,
    headers: list[str],
    rows: list[list[str]],
    *,
    font_size: float = 9.5,
    fill: bool = False,
) -> None:
    """A plain report table: grey bold header, first column left, numbers right-aligned.

    The last row is shown in bold when its first cell is the total label.
    """
    ax.axis("off")
    if not rows:
        return
    headers = [h.replace("（", "\n（").replace(" (", "\n(") for h in headers]
    two_lines = any("\n" in h for h in headers)
    header_rows = 1.6 if two_lines else 1.0
    height = 1.0 / (len(rows) + header_rows)
    height = height if fill else min(0.062, height)
    header_height = height * header_rows
    total = height * len(rows) + header_height
    table = ax.table(
        cellText=rows, colLabels=headers, loc="upper left", cellLoc="right",
        colLoc="center", bbox=Bbox.from_bounds(0, 1 - total, 1, total),
        colWidths=_column_widths(headers, rows),
    )  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(font_size)
    total_row = rows[-1][0] in {t("export.total", "zh"), t("export.total", "en")}
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#d0d7de")
        cell.set_linewidth(0.5)
        if c <= 1 and r > 0:
            cell.set_text_props(ha="left")
            cell.PAD = 0.04
        if r == 0:
            cell.set_height(cell.get_height() * header_height / height)
            cell.set_facecolor(HEADER_BG)
            cell.set_text_props(weight="bold", color=INK)
        elif total_row and r == len(rows):
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#f6f8fa")


def _column_widths(headers: list[str], rows: list[list[str]]) -> list[float]:
    """Column shares proportional to the widest cell (a header counts by its longest line)."""
    widest = [
        max(
            [display_width(part) for part in header.split("\n")]
            + [display_width(row[i]) for row in rows]
        )
        + 3
        for i, header in enumerate(headers)
    ]
    return [w / sum(widest) for w in widest]


def _cover_page(ctx: _Context, contents: list[str]) -> PackPage:
    lang, ds = ctx.lang, ctx.summary.dataset
    fig = _layout.new_page("a4")
    base = page_text(ctx.summary, view="indicator", lang=lang, day=ctx.day)
    fig.text(0.07, 0.78, ds.district, size=40, weight="bold", color=INK)
    fig.text(0.07, 0.70, t("export.pack.title", lang), size=28, weight="bold", color=INK)
    fig.text(0.07, 0.64, t("export.pack.subtitle", lang), size=13, color=MUTED)
    status = (
        t("export.pack.status_demo", lang)
        if ds.demo
        else t("export.pack.status_real", lang, name=ds.name)
    )
    if ds.warnings:
        status += t("export.pack.warnings", lang, n=len(ds.warnings))
    lines = [
        _layout.edition_text(ctx.summary, lang),
        t("export.pack.date", lang, date=_layout.today_text(ctx.day, lang)),
        t("export.pack.status", lang, status=status),
        t("export.pack.source", lang, source=ds.metadata.get("source") or ds.name),
    ]
    y = 0.54
    for line in lines:
        for part in wrap_text(line, 64):
            alert = (ds.demo and line == lines[2]) or line == lines[0]
            fig.text(0.07, y, part, size=11.5, color=ALERT if alert else INK,
                     weight="bold" if line == lines[0] else "normal")  # fmt: skip
            y -= 0.04
    _contents(fig, contents, lang, top=min(y - 0.04, 0.38))
    _cover_outline(fig, ctx)
    if base.badge:
        _layout.draw_page_text(fig, PageText("", (), base.footer, base.badge))
    return PackPage(t("export.pack.title", lang), fig)


def _contents(fig: Figure, contents: list[str], lang: str, *, top: float) -> None:
    """The contents list; a second column when it would run into the footer."""
    fig.text(0.07, top, t("export.pack.contents", lang), size=12, weight="bold", color=INK)
    step, per_column = 0.028, max(int((top - 0.09) / 0.028), 1)
    for i, title in enumerate(contents):
        column, row = divmod(i, per_column)
        x, y = 0.08 + 0.25 * column, top - 0.035 - row * step
        fig.text(x, y, f"{i + 2:>2}  {title}", size=10, color=INK, va="top")


def _cover_outline(fig: Figure, ctx: _Context) -> None:
    ax = fig.add_axes((0.66, 0.16, 0.31, 0.56))
    ctx.layers.townships.plot(ax=ax, color="#dbe9f6", edgecolor="white", linewidth=1.0)
    ctx.layers.townships.dissolve().boundary.plot(ax=ax, color=INK, linewidth=1.2)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _method_page(ctx: _Context) -> PackPage:
    lang, summary = ctx.lang, ctx.summary
    fig = _layout.new_page("a4")
    title = t("export.pack.method", lang)
    top = _page_header(fig, ctx, title)
    y = _text_section(
        fig, t("export.method.coverage_head", lang), [t("export.method.coverage", lang)],
        x=0.03, top=top,
    )  # fmt: skip
    _text_section(
        fig, t("export.method.funding_head", lang), [t("funding.formula", lang)],
        x=0.03, top=y - 0.03,
    )  # fmt: skip
    headers = ["col.group", "export.col.category", "export.col.radius_m", "export.col.weight"]
    headers += ["col.people", "col.coverage"]
    rows = [
        [g.display(lang), g.category or "", format_number(g.radius_m), f"{g.weight:g}",
         *_group_cells(summary, g.code)]
        for g in summary.groups
    ]  # fmt: skip
    fig.text(
        0.52, top, t("export.method.groups", lang), size=12, weight="bold", color=INK, va="top"
    )
    table_height = min(0.36, 0.035 * (len(rows) + 1.6))
    ax = fig.add_axes((0.52, top - 0.04 - table_height, 0.45, table_height))
    draw_table(ax, [t(h, lang) for h in headers], rows, font_size=9, fill=True)
    _text_section(
        fig, t("export.method.sources", lang), _provenance(ctx), x=0.52,
        top=top - table_height - 0.08,
    )  # fmt: skip
    return PackPage(title, fig)


def _group_cells(summary: Summary, code: str) -> list[str]:
    """A group's district people and coverage, as the summary's edition shows them."""
    people, covered = float(summary.demand[code].sum()), float(summary.covered[code].sum())
    cells = [format_number(people), format_percent(covered / people if people else None)]
    if summary.disclosure is None:
        return cells
    exact = summary.disclosure.district_groups.loc[code]
    k = summary.disclosure.min_count
    return [
        public_text(people, bool(exact["people"]), cells[0], k),
        public_text(0, bool(exact["people"] and exact["covered"]), cells[1], k, count=False),
    ]


def _provenance(ctx: _Context) -> list[str]:
    lang, summary = ctx.lang, ctx.summary
    ds = summary.dataset
    lines = [t("export.pack.source", lang, source=ds.metadata.get("source") or ds.name)]
    if ds.metadata.get("boundary_note"):
        lines.append(str(ds.metadata["boundary_note"]))
    if ds.demo:
        lines.append(t("export.method.simulated", lang))
    lines.append(
        t(
            "export.method.unassigned", lang,
            sites=len(summary.unassigned_sites), demand=len(summary.unassigned_demand),
        )
    )  # fmt: skip
    lines += [f"· {p.message(lang)}" for p in ds.warnings[:5]]
    lines.append(t("export.method.software", lang, font=ctx.font.family))
    return lines


def _text_section(
    fig: Figure, heading: str, paragraphs: list[str], *, x: float, top: float, width: int = 68
) -> float:
    """A bold heading over wrapped paragraphs; returns the figure y just below the text."""
    fig.text(x, top, heading, size=12, weight="bold", color=INK, va="top")
    lines = [line for p in paragraphs for line in wrap_text(p, width)]
    text_top = top - 0.04
    fig.text(x, text_top, "\n".join(lines), size=9.5, color=INK, va="top", linespacing=1.6)
    line_height = 9.5 * 1.6 / 72 / fig.get_figheight()
    return text_top - line_height * len(lines)


# --- assembly -----------------------------------------------------------------------------------


def pack_pages(
    summary: Summary,
    *,
    lang: str = "zh",
    day: date | None = None,
    indicator: str = "coverage",
    comparison: Comparison | None = None,
) -> list[PackPage]:
    """Every page of the briefing pack, in order (the cover first).

    With ``comparison`` (this dataset against an earlier year) a "what changed" page comes
    before the method page; not in the public edition (``summary.public``), whose rule
    (``geo.privacy``) covers one year: two years' coverage could be differenced.
    """
    font = apply_cjk_font()
    layers = edition_layers(project_layers(summary.dataset), summary)
    ctx = _Context(summary, layers, lang, day, font, indicator)
    body = [_overview_page(ctx), *_coverage_pages(ctx), _gap_page(ctx), _funding_page(ctx)]
    body.append(_funding_chart_page(ctx))
    if comparison is not None and not summary.public:
        body.append(_changes_page(ctx, comparison))
    body.append(_method_page(ctx))
    cover = _cover_page(ctx, [p.title for p in body])
    pages = [cover, *body]
    for n, page in enumerate(pages, start=1):
        page.figure.text(
            0.97, 0.025, t("export.pack.page", lang, n=n, total=len(pages)), size=8,
            color=MUTED, ha="right", va="bottom",
        )  # fmt: skip
    return pages


def write_pack(pages: list[PackPage], path: Path | str, *, title: str) -> Path:
    """Write ``pages`` into one PDF with document metadata (title, creator, date)."""
    path = Path(path)
    metadata = {"Title": title, "Creator": "service-coverage atlas", "Subject": title}
    with PdfPages(path, metadata=metadata) as pdf:
        for page in pages:
            pdf.savefig(page.figure)
    return path


def build_pack(
    summary: Summary,
    path: Path | str,
    *,
    lang: str = "zh",
    day: date | None = None,
    indicator: str = "coverage",
    comparison: Comparison | None = None,
) -> Path:
    """Draw and write the briefing pack for ``summary`` (its groups, budget and parameters).

    Parameters
    ----------
    summary
        ``geo.summary.summarize(dataset, groups=...)``: one coverage page per group in it.
    path
        The PDF to write.
    lang
        ``"zh"`` or ``"en"``.
    day
        The date printed in the pack (today when None).
    indicator
        The indicator of the overview map.
    comparison
        ``geo.compare.compare(earlier, summary.dataset)``: adds the "what changed" page.

    Returns
    -------
    Path
    """
    pages = pack_pages(summary, lang=lang, day=day, indicator=indicator, comparison=comparison)
    title = f"{pages[0].title} – {summary.dataset.name}"
    write_pack(pages, path, title=title)
    return Path(path)
