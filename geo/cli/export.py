"""``python -m geo export DATASET --what map|pack|tables|html|chart|township --out FILE``.

The format comes from the file's extension. Exit codes as the other commands: 0 written,
2 invalid input or option (a readable message, no traceback), 1 an unexpected error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Final

from geo.cli.options import OptionError, check_budget, chosen_groups, chosen_townships
from geo.io.load import load_dataset
from geo.summary import Summary, summarize

__all__ = ["EXTENSIONS", "add_export_arguments", "export_bytes", "export_summary", "run_export"]

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

_TEXT: Final = {
    "zh": {
        "written": "已写出：{path}",
        "indicator": "--indicator 应为 {allowed} 之一，收到的是 {found}",
        "extension": "--what {what} 只能写成 {allowed} 文件，收到的是 {found}",
        "date": "--date 应为 YYYY-MM-DD，收到的是 {found}",
        "cannot_write": "无法写入 {path}：{error}",
    },
    "en": {
        "written": "Written: {path}",
        "indicator": "--indicator must be one of {allowed}, got {found}",
        "extension": "--what {what} writes {allowed} files, got {found}",
        "date": "--date must be YYYY-MM-DD, got {found}",
        "cannot_write": "Cannot write {path}: {error}",
    },
}


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


def run_export(args: argparse.Namespace) -> int:
    """Write a map, chart, briefing pack, tables or standalone HTML map of a dataset."""
    text = _TEXT[args.lang]
    _check_options(args)
    check_budget(args.budget, args.lang)
    dataset = load_dataset(args.dataset)
    chosen_groups(dataset, args.group, args.lang)
    townships = chosen_townships(dataset, args.township, args.lang) if args.township else None
    summary = summarize(dataset, groups=args.group, budget_yuan=args.budget)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        path = export_summary(summary, args.what, args.out, townships=townships, **_options(args))
    except OSError as exc:
        print(text["cannot_write"].format(path=args.out, error=exc.strerror), file=sys.stderr)
        return EXIT_INVALID
    print(text["written"].format(path=path))
    return EXIT_OK


def _check_options(args: argparse.Namespace) -> None:
    """:class:`OptionError` (exit 2) for an extension, indicator or date that does not fit."""
    text = _TEXT[args.lang]
    allowed = EXTENSIONS[args.what]
    suffix = args.out.suffix.lower()
    if suffix not in allowed:
        found = suffix or args.out.name
        msg = text["extension"].format(what=args.what, allowed="/".join(allowed), found=found)
        raise OptionError(msg)
    from geo.indicators import INDICATORS  # mapclassify: imported only when exporting

    if args.indicator not in INDICATORS:
        msg = text["indicator"].format(found=args.indicator, allowed=", ".join(INDICATORS))
        raise OptionError(msg)
    if args.date is not None and _parse_date(args.date) is None:
        raise OptionError(text["date"].format(found=args.date))


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _options(args: argparse.Namespace) -> dict[str, object]:
    return {
        "lang": args.lang,
        "indicator": args.indicator,
        "view": args.view,
        "group": args.group[0] if args.group else None,
        "chart": args.chart,
        "size": args.size,
        "day": _parse_date(args.date) if args.date else None,
    }


def export_summary(
    summary: Summary,
    what: str,
    path: Path | str,
    *,
    lang: str = "zh",
    indicator: str = "coverage",
    view: str = "indicator",
    group: str | None = None,
    chart: str = "gaps",
    size: str = "a4",
    day: date | None = None,
    townships: list[str] | None = None,
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
    lang, indicator, view, group, chart, size, day
        As for the individual exports (``geo.export.maps.map_figure`` and friends).
    townships
        Township codes: the township sheets to write (every township when None); the map
        zooms to the township when there is one.

    Returns
    -------
    Path
    """
    path = Path(path)
    if path.suffix.lower() not in EXTENSIONS.get(what, ()):
        msg = f"--what {what} cannot write {path.suffix or path.name!r}: use {EXTENSIONS.get(what)}"
        raise ValueError(msg)
    if what in ("map", "chart"):
        town = townships[0] if townships and len(townships) == 1 else None
        return _export_figure(
            summary, what, path, lang, indicator, view, group, chart, size, day, town
        )
    if what == "township":
        from geo.export.township import write_township_sheets

        return write_township_sheets(summary, path, codes=townships, lang=lang, day=day)
    if what == "pack":
        from geo.export.pack import build_pack

        return build_pack(summary, path, lang=lang, day=day, indicator=indicator)
    if what == "tables":
        from geo.export.tables import township_table, write_csv, write_xlsx

        if path.suffix.lower() == ".csv":
            return write_csv(township_table(summary, lang), path)
        return write_xlsx(summary, path, lang=lang, day=day)
    from geo.export.html import write_html

    return write_html(summary, path, indicator=indicator, lang=lang, day=day)


def _export_figure(
    summary: Summary, what: str, path: Path, lang: str, indicator: str, view: str,
    group: str | None, chart: str, size: str, day: date | None, township: str | None,
) -> Path:  # fmt: skip
    from geo.export.charts import chart_figure
    from geo.export.maps import map_figure, save_figure

    if what == "chart":
        fig = chart_figure(summary, chart=chart, lang=lang, size=size, day=day)  # type: ignore[arg-type]
    else:
        fig = map_figure(
            summary, view=view, group=group, indicator=indicator, lang=lang, size=size, day=day,
            township=township,
        )  # type: ignore[arg-type]  # fmt: skip
    return save_figure(fig, path)


def export_bytes(summary: Summary, what: str, extension: str, **options: object) -> bytes:
    """The file :func:`export_summary` would write, as bytes (for a download button).

    Parameters
    ----------
    summary
        From ``geo.summary.summarize``.
    what
        As for :func:`export_summary`.
    extension
        The format, e.g. ``".png"`` or ``".xlsx"``.
    **options
        As for :func:`export_summary`.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{extension}"
        return export_summary(summary, what, path, **options).read_bytes()  # type: ignore[arg-type]
