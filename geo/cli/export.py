"""``python -m geo export DATASET --what map|pack|tables|html|chart|township --out FILE``.

The format comes from the file's extension. Exit codes as the other commands: 0 written,
2 invalid input or option (a readable message, no traceback), 1 an unexpected error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Final, cast

from geo.cli.fonts import note_font_preparation
from geo.cli.options import check_budget, chosen_groups, chosen_townships, compared_groups
from geo.compare import Comparison, compare
from geo.errors import OptionError, check_choice
from geo.io.source import load_source
from geo.privacy import public_summary
from geo.summary import Summary, summarize
from geo.text.i18n import t

__all__ = [
    "EXTENSIONS",
    "PUBLIC_EXPORTS",
    "ExportOptions",
    "add_export_arguments",
    "export_bytes",
    "export_summary",
    "run_export",
]

EXIT_OK, EXIT_INVALID = 0, 2

#: File extensions each kind of export can write.
EXTENSIONS: Final[dict[str, tuple[str, ...]]] = {
    "map": (".png", ".svg", ".pdf"),
    "chart": (".png", ".svg", ".pdf"),
    "pack": (".pdf",),
    "tables": (".xlsx", ".csv"),
    "html": (".html", ".htm"),
    "township": (".pdf",),
}

#: The exports that have a public edition (``--public``). Not the township sheets: each is a
#: planner's working list of one township's named villages and their nearest sites.
PUBLIC_EXPORTS: Final = ("map", "chart", "pack", "tables", "html")


def add_export_arguments(command: argparse.ArgumentParser) -> None:
    """The options of ``export`` (the dataset argument and ``--lang`` are common)."""
    command.add_argument("--what", required=True, choices=tuple(EXTENSIONS), help="what to write")
    command.add_argument("--out", required=True, type=Path, metavar="FILE", help="output file")
    command.add_argument(
        "--group", nargs="+", action="extend", metavar="CODE", help="groups (code or label)"
    )
    command.add_argument(
        "--indicator", default="coverage",
        help="coverage | unreached | sites_per_1000 | funding_per_person",
    )  # fmt: skip
    command.add_argument(
        "--view", choices=("indicator", "coverage", "funding"), default="indicator",
        help="map: indicator choropleth, coverage of the first --group, or funding",
    )  # fmt: skip
    command.add_argument("--chart", choices=("gaps", "funding"), default="gaps", help="chart")
    command.add_argument(
        "--township", nargs="+", action="extend", metavar="CODE",
        help="township sheets: these townships (code or name); every township when left out",
    )  # fmt: skip
    command.add_argument("--size", choices=("a4", "16x9"), default="a4", help="page size")
    command.add_argument("--budget", type=int, metavar="YUAN", help="budget to allocate (yuan)")
    command.add_argument("--date", metavar="YYYY-MM-DD", help="date printed (default today)")
    command.add_argument(
        "--public", action="store_true",
        help="public version: small counts read <k (dataset.toml [privacy] min_count)",
    )  # fmt: skip
    command.add_argument(
        "--previous", metavar="DATASET",
        help="the earlier year's dataset: the pack gets a 'what changed' page",
    )  # fmt: skip


def run_export(args: argparse.Namespace) -> int:
    """Write a map, chart, briefing pack, tables or standalone HTML map of a dataset."""
    _check_options(args)
    check_budget(args.budget)
    dataset = load_source(args.dataset, args.store)
    chosen_groups(dataset, args.group, args.lang)
    towns = chosen_townships(dataset, args.township) if args.township else None
    summary = summarize(dataset, groups=args.group, budget_yuan=args.budget)
    if args.what in {"map", "chart", "pack"}:  # drawn by matplotlib in the Chinese font
        note_font_preparation(args.lang)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        options = replace(_options(args, towns), comparison=_comparison(args, summary))
        path = export_summary(summary, args.what, args.out, options)
    except OSError as exc:
        print(t("cli.cannot_write", args.lang, path=args.out, error=exc.strerror), file=sys.stderr)
        return EXIT_INVALID
    print(t("cli.written", args.lang, path=path))
    return EXIT_OK


def _check_options(args: argparse.Namespace) -> None:
    """:class:`OptionError` (exit 2) for an extension, indicator or date that does not fit."""
    allowed = EXTENSIONS[args.what]
    suffix = args.out.suffix.lower()
    if suffix not in allowed:
        raise OptionError(f"--out (--what {args.what})", suffix or args.out.name, allowed=allowed)
    from geo.indicators import INDICATORS  # mapclassify: imported only when exporting

    check_choice("--indicator", args.indicator, INDICATORS)
    if args.public and args.what not in PUBLIC_EXPORTS:
        raise OptionError("--what (--public)", args.what, allowed=PUBLIC_EXPORTS)
    if args.date is not None and _parse_date(args.date) is None:
        raise OptionError("--date", args.date, expected="option.expected.date")


def _comparison(args: argparse.Namespace, summary: Summary) -> Comparison | None:
    """The pack's comparison with ``--previous`` (None without it, or for other exports)."""
    if args.previous is None or args.what != "pack":
        return None
    earlier = load_source(args.previous, args.store)
    codes = compared_groups(earlier, summary.dataset, summary.group_codes, args.lang)
    return compare(earlier, summary.dataset, groups=list(codes))


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class ExportOptions:
    """What an export shows, as for the individual exports (``map_figure`` and friends).

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"``.
    indicator
        The choropleth's indicator (also on the pack's overview page and the HTML map).
    view
        The static map: ``"indicator"``, ``"coverage"`` (of ``group``) or ``"funding"``.
    group
        The group of a coverage map.
    chart
        ``"gaps"`` or ``"funding"``.
    size
        ``"a4"`` or ``"16x9"``.
    day
        The date printed on the page (default today).
    public
        Write the public version: small counts kept private (``geo.privacy``), marked 公开.
    comparison
        This dataset against an earlier year (``geo.compare.compare``): the pack gets its
        "what changed" page.
    townships
        Township codes: the sheets of ``--what township`` (every township when None); a map
        zooms to the one township given, as the dashboard does when a township is open.
    """

    lang: str = "zh"
    indicator: str = "coverage"
    view: str = "indicator"
    group: str | None = None
    chart: str = "gaps"
    size: str = "a4"
    day: date | None = None
    public: bool = False
    comparison: Comparison | None = None
    townships: tuple[str, ...] | None = None


def _options(args: argparse.Namespace, townships: list[str] | None) -> ExportOptions:
    return ExportOptions(
        lang=args.lang,
        indicator=args.indicator,
        view=args.view,
        group=args.group[0] if args.group else None,
        chart=args.chart,
        size=args.size,
        day=_parse_date(args.date) if args.date else None,
        public=args.public,
        townships=tuple(townships) if townships else None,
    )


def export_summary(
    summary: Summary, what: str, path: Path | str, options: ExportOptions | None = None
) -> Path:
    """Write one export of ``summary`` to ``path``; the format follows the extension.

    Parameters
    ----------
    summary
        From ``geo.summary.summarize``.
    what
        ``"map"``, ``"chart"``, ``"pack"``, ``"tables"``, ``"html"`` or ``"township"`` (see
        ``EXTENSIONS``).
    path
        The file to write.
    options
        What the export shows (defaults: see :class:`ExportOptions`).

    Returns
    -------
    Path
    """
    path, opts = Path(path), options or ExportOptions()
    lang, day = opts.lang, opts.day
    if path.suffix.lower() not in EXTENSIONS.get(what, ()):
        msg = f"--what {what} cannot write {path.suffix or path.name!r}: use {EXTENSIONS.get(what)}"
        raise ValueError(msg)
    if (opts.public or summary.public) and what not in PUBLIC_EXPORTS:
        raise OptionError("--what (--public)", what, allowed=PUBLIC_EXPORTS)
    if opts.public:
        summary = public_summary(summary)
    if what in ("map", "chart"):
        return _export_figure(summary, what, path, opts)
    if what == "township":
        from geo.export.township import write_township_sheets

        codes = list(opts.townships) if opts.townships else None
        return write_township_sheets(summary, path, codes=codes, lang=lang, day=day)
    if what == "pack":
        from geo.export.pack import build_pack

        return build_pack(
            summary, path, lang=lang, day=day, indicator=opts.indicator, comparison=opts.comparison
        )
    if what == "tables":
        return _export_tables(summary, path, opts)
    from geo.export.html import write_html

    return write_html(summary, path, indicator=opts.indicator, lang=lang, day=day)


def _export_tables(summary: Summary, path: Path, opts: ExportOptions) -> Path:
    from geo.export.tables import township_table, write_csv, write_xlsx

    if path.suffix.lower() == ".csv":
        return write_csv(township_table(summary, opts.lang), path)
    return write_xlsx(summary, path, lang=opts.lang, day=opts.day)


def _export_figure(summary: Summary, what: str, path: Path, opts: ExportOptions) -> Path:
    from geo.export.charts import ChartName, chart_figure
    from geo.export.maps import (
        MapTheme,
        map_figure,
        project_layers,
        save_figure,
        zoom_to_township,
    )

    # chart_figure and map_figure check chart and view against their allowed values
    if what == "chart":
        chart = cast(ChartName, opts.chart)
        fig = chart_figure(summary, chart=chart, lang=opts.lang, size=opts.size, day=opts.day)
    else:
        fig = map_figure(
            summary,
            view=cast(MapTheme, opts.view),
            group=opts.group,
            indicator=opts.indicator,
            lang=opts.lang,
            size=opts.size,
            day=opts.day,
        )
        if opts.townships and len(opts.townships) == 1:  # as on the screen: zoomed to it
            zoom_to_township(
                fig.axes[0], project_layers(summary.dataset), opts.townships[0], opts.lang
            )
    return save_figure(fig, path)


def export_bytes(
    summary: Summary, what: str, extension: str, options: ExportOptions | None = None
) -> bytes:
    """The file :func:`export_summary` would write, as bytes (for a download button).

    Parameters
    ----------
    summary
        From ``geo.summary.summarize``.
    what
        As for :func:`export_summary`.
    extension
        The format, e.g. ``".png"`` or ``".xlsx"``.
    options
        As for :func:`export_summary`.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{extension}"
        return export_summary(summary, what, path, options).read_bytes()
