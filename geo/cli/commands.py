"""Command line: ``python -m geo validate|summary|access|suggest|export|compare|store ...``.

``python -m geo store ...`` keeps the office's dataset versions. DATASET is a folder, or a
stored version: ``store:published``, ``store:published:NAME`` or ``store:ID`` (the store from
``--store URL`` or ``ATLAS_STORE``).

``python -m geo compare OLD NEW`` takes two datasets, each a folder or a stored version.

Exit codes: 0 success, 2 invalid input (a readable report, never a traceback), 1 an unexpected
internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from geo.access import METHODS, access_to_json, compute_access
from geo.cli.fonts import add_fonts_parser
from geo.cli.options import check_budget, chosen_groups, compared_groups
from geo.cli.store import add_store_parser
from geo.cli.users import add_users_parser
from geo.compare import Comparison, compare, comparison_to_json
from geo.dataset import Dataset, Group
from geo.errors import DatasetError, OptionError, Problem
from geo.indicators import format_change_pp
from geo.io.candidates import read_candidates
from geo.io.source import is_store_reference, load_source
from geo.io.store.errors import StoreError
from geo.io.validate import validate_dataset
from geo.siting import SitingResult, siting_to_json, suggest_sites
from geo.summary import Summary, summarize, summary_to_json
from geo.text.i18n import display_width, t

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID = 0, 1, 2

_SUMMARY_COLUMNS = ("township", "organizations", "stations", "people", "covered", "coverage",
                    "funding")  # fmt: skip
_ACCESS_COLUMNS = ("township", "people", "score")
_SUGGEST_COLUMNS = ("rank", "candidate", "township", "lon", "lat", "gain")


def _columns(keys: Sequence[str], lang: str) -> list[str]:
    return [t(f"cli.col.{key}", lang) for key in keys]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        with _rare_collections():
            return int(args.run(args))
    except (DatasetError, OptionError, StoreError) as exc:
        print(_explain(exc, args.lang), file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("ATLAS_DEBUG"):
            raise
        error = f"{type(exc).__name__}: {exc}"
        print(t("cli.internal", args.lang, error=error), file=sys.stderr)
        return EXIT_INTERNAL


@contextlib.contextmanager
def _rare_collections() -> Iterator[None]:
    """Python's cycle collector, run a hundred times less often while a command runs.

    A command builds a dataset whose half a million points and rows live until it ends; by
    default the collector walks all of them at every full collection, ten times while a
    national dataset loads (0.5 s of 7). Young garbage cycles are still collected.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0] * 100, thresholds[1], thresholds[2] * 10)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _explain(exc: DatasetError | OptionError | StoreError, lang: str) -> str:
    """What was wrong with the input (exit 2), in ``lang``."""
    if isinstance(exc, DatasetError):
        return format_problems(exc.problems, lang)
    if isinstance(exc, OptionError):
        return t("cli.bad_option", lang, message=exc.message(lang))
    return exc.message(lang)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each subcommand sets ``run`` to the function that carries it out."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language")
    common.add_argument(
        "--store",
        metavar="URL",
        help="the version store (default: ATLAS_STORE, else the local file)",
    )
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (add_arguments, run) in SUBCOMMANDS.items():
        command = sub.add_parser(name, parents=[common], help=run.__doc__)
        if name not in _TWO_DATASETS:
            command.add_argument(
                "dataset", type=dataset_source, help="dataset folder, or store:published / store:ID"
            )
        add_arguments(command)
        command.set_defaults(run=run)
    add_fonts_parser(sub, common)
    add_store_parser(sub, common)
    add_users_parser(sub, common)
    return parser


def dataset_source(text: str) -> Path | str:
    """A ``store:...`` reference as it is, anything else as a folder path."""
    return text if is_store_reference(text) else Path(text)


def format_problems(problems: Sequence[Problem], lang: str) -> str:
    """One line per problem, errors first, each prefixed with its severity."""
    ordered = sorted(problems, key=lambda p: p.severity != "error")
    return "\n".join(f"{t(f'cli.{p.severity}', lang)}{p.message(lang)}" for p in ordered)


def _add_validate_arguments(command: argparse.ArgumentParser) -> None:
    del command  # validate takes only the dataset folder


def run_validate(args: argparse.Namespace) -> int:
    """Check a dataset folder and print every problem (exit 0 valid, 2 invalid)."""
    if is_store_reference(args.dataset):
        from geo.io.store import open_store

        # Versions are validated when added: their report is stored with them.
        with open_store(args.store) as store:
            version = store.version(store.resolve(args.dataset))
        print(t("cli.valid", args.lang, path=f"{args.dataset} ({version.label})"))
        if version.report:
            print(format_problems(version.report, args.lang))
        return EXIT_OK
    problems = validate_dataset(args.dataset)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        head = t(
            "cli.invalid",
            args.lang,
            path=args.dataset,
            errors=len(errors),
            warnings=len(problems) - len(errors),
        )
        print(head + "\n" + format_problems(problems, args.lang), file=sys.stderr)
        return EXIT_INVALID
    print(t("cli.valid", args.lang, path=args.dataset))
    if problems:
        print(format_problems(problems, args.lang))
    return EXIT_OK


def _add_summary_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--json", action="store_true", help="print only JSON")
    command.add_argument("--budget", type=int, metavar="YUAN", help="budget to allocate (yuan)")
    command.add_argument(
        "--group", nargs="+", action="extend", metavar="CODE", help="groups (code or label)"
    )


def run_summary(args: argparse.Namespace) -> int:
    """Print the per-township coverage and funding table."""
    dataset = load_source(args.dataset, args.store)
    chosen_groups(dataset, args.group, args.lang)
    check_budget(args.budget)
    summary = summarize(dataset, groups=args.group, budget_yuan=args.budget)
    if args.json:
        # Unindented: json's C encoder is used only then, ten times faster at national scale.
        print(json.dumps(summary_to_json(summary, args.lang), ensure_ascii=False))
        return EXIT_OK
    if dataset.warnings:
        print(format_problems(dataset.warnings, args.lang), file=sys.stderr)
    print(format_summary(summary, args.lang))
    return EXIT_OK


def format_summary(summary: Summary, lang: str) -> str:
    """The summary as an aligned terminal table, with totals and unassigned points."""
    table = summary.townships
    rows = [
        [
            str(row["name"]),
            f"{row['organizations']:,}",
            f"{row['stations']:,}",
            f"{round(row['people']):,}",
            f"{round(row['covered']):,}",
            _percent(row["coverage"]),
            f"{row['funding_yuan']:,}",
        ]
        for _, row in table.iterrows()
    ]
    people, covered = table["people"].sum(), table["covered"].sum()
    rows.append(
        [
            t("cli.total", lang),
            f"{table['organizations'].sum():,}",
            f"{table['stations'].sum():,}",
            f"{round(people):,}",
            f"{round(covered):,}",
            _percent(covered / people if people else float("nan")),
            f"{table['funding_yuan'].sum():,}",
        ]
    )
    lines = [summary.dataset.name]
    if summary.dataset.demo:
        lines.append(t("cli.demo", lang))
    lines += ["", *_align([_columns(_SUMMARY_COLUMNS, lang), *rows])]
    for key, ids in (
        ("unassigned_sites", summary.unassigned_sites),
        ("unassigned_demand", summary.unassigned_demand),
    ):
        if ids:
            lines.append(t(f"cli.{key}", lang) + ", ".join(ids))
    return "\n".join(lines)


def _percent(value: float) -> str:
    return "—" if pd.isna(value) else f"{100 * value:.1f}%"


def _align(rows: list[list[str]]) -> list[str]:
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        first = row[0] + " " * (widths[0] - display_width(row[0]))
        rest = [" " * (w - display_width(c)) + c for c, w in zip(row[1:], widths[1:], strict=True)]
        out.append("  ".join([first, *rest]))
    return out


# --- access and suggest (accessibility scores, station siting) ---------------------------------


def _add_access_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--group", required=True, metavar="CODE", help="group (code or label)")
    command.add_argument("--method", choices=METHODS, default="2sfca", help="2sfca or e2sfca")
    command.add_argument("--json", action="store_true", help="print only JSON")


def run_access(args: argparse.Namespace) -> int:
    """Print 2SFCA/E2SFCA accessibility scores per village and township."""
    dataset = load_source(args.dataset, args.store)
    group = chosen_groups(dataset, [args.group], args.lang)[0]
    result = compute_access(dataset, group.code, method=args.method)
    if args.json:
        # One score per village: unindented, which json writes ten times faster.
        print(json.dumps(access_to_json(result), ensure_ascii=False))
        return EXIT_OK
    head = t("cli.access_head", args.lang, group=group.display(args.lang), method=args.method)
    rows = [
        [str(r["name"]), f"{r['demand']:,.0f}", "—" if pd.isna(r["score"]) else f"{r['score']:.4g}"]
        for r in result.townships.to_dict("records")
    ]
    unreached = t("cli.unreached", args.lang, count=len(result.unreached))
    table = _align([_columns(_ACCESS_COLUMNS, args.lang), *rows])
    print("\n".join([head, "", *table, "", unreached]))
    return EXIT_OK


def _add_suggest_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--group", required=True, metavar="CODE", help="group (code or label)")
    command.add_argument("--count", required=True, type=int, metavar="K", help="new stations")
    command.add_argument("--radius-m", type=float, metavar="R", help="catchment of a new one")
    command.add_argument("--candidates", type=Path, metavar="FILE", help="id, lon, lat table")
    command.add_argument("--json", action="store_true", help="print only JSON")


def run_suggest(args: argparse.Namespace) -> int:
    """Suggest K new station locations that bring the most people within reach."""
    dataset = load_source(args.dataset, args.store)
    group = chosen_groups(dataset, [args.group], args.lang)[0]
    if args.count < 0 or (args.radius_m is not None and not args.radius_m >= 0):
        wrong = ("--count", args.count) if args.count < 0 else ("--radius-m", args.radius_m)
        raise OptionError(*wrong, expected="option.expected.non_negative")
    places = read_candidates(args.candidates, dataset) if args.candidates else None
    result = suggest_sites(
        dataset, group.code, args.count, radius_m=args.radius_m, candidates=places
    )
    if args.json:
        print(json.dumps(siting_to_json(result), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(format_suggestions(result, dataset, group, args.lang))
    return EXIT_OK


def format_suggestions(result: SitingResult, dataset: Dataset, group: Group, lang: str) -> str:
    """The suggested stations as an aligned table, with the coverage before and after."""
    towns = dict(zip(dataset.townships["code"], dataset.townships["name"], strict=True))
    rows = [
        [
            str(r.rank),
            str(r.name if isinstance(r.name, str) else r.candidate_id),
            str(towns.get(r.township, "—")),
            f"{r.lon:.6f}",
            f"{r.lat:.6f}",
            f"{r.gain:,.0f}",
        ]
        for r in result.suggestions.itertuples()
    ]
    quality = (
        t("cli.optimal", lang) if result.optimal else t("cli.bound", lang, bound=result.upper_bound)
    )
    return "\n".join(
        [
            t(
                "cli.suggest_head",
                lang,
                group=group.display(lang),
                count=len(rows),
                radius=result.radius_m,
            ),
            "",
            *_align([_columns(_SUGGEST_COLUMNS, lang), *rows]),
            "",
            t(
                "cli.before_after",
                lang,
                before=result.covered_before,
                after=result.covered_after,
                demand=result.demand,
                quality=quality,
            ),
        ]
    )


def _add_export_arguments(command: argparse.ArgumentParser) -> None:
    from geo.cli.export import add_export_arguments

    add_export_arguments(command)


def run_export(args: argparse.Namespace) -> int:
    """Write a map, chart, briefing pack (PDF), tables (XLSX/CSV) or standalone HTML map."""
    from geo.cli.export import run_export as export  # matplotlib only when exporting

    return export(args)


# --- compare (one year against another) ---------------------------------------------------------

_COMPARE_COLUMNS = ("township", "status", "coverage_old", "coverage_new", "change",
                    "opened", "closed", "funding_old", "funding_new")  # fmt: skip


def _add_compare_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "old", type=dataset_source, nargs="?",
        help="the earlier dataset: a folder, or store:ID (none: the version published before)",
    )  # fmt: skip
    command.add_argument(
        "new", type=dataset_source, nargs="?",
        help="the later dataset: a folder, or store:published (none: the published version)",
    )  # fmt: skip
    command.add_argument(
        "--group", nargs="+", action="extend", metavar="CODE", help="groups (code or label)"
    )
    command.add_argument("--json", action="store_true", help="print only JSON")


def run_compare(args: argparse.Namespace) -> int:
    """Compare two datasets (last year and this year): coverage, sites and funding."""
    if args.old is None or args.new is None:
        if args.old is not None:
            raise OptionError("NEW", "", expected="option.expected.new_dataset")
        args.old, args.new = _published_pair(args.store)
    old = load_source(args.old, args.store)
    new = load_source(args.new, args.store)
    codes = compared_groups(old, new, args.group, args.lang)
    comparison = compare(old, new, groups=list(codes))
    if args.json:
        print(json.dumps(comparison_to_json(comparison), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(format_comparison(comparison, args.lang))
    return EXIT_OK


def _published_pair(store_address: str | None) -> tuple[str, str]:
    """``store:ID`` of the version published before the published one, and of that one."""
    from geo.io.store import open_store

    with open_store(store_address) as store:
        published = store.published()
        before = store.published_before(published) if published is not None else None
    if published is None:
        raise StoreError("no_published", dataset="")
    if before is None:
        raise StoreError("nothing_before", id=published.id, label=published.label)
    return f"store:{before.id}", f"store:{published.id}"


def format_comparison(comparison: Comparison, lang: str) -> str:
    """The comparison as an aligned terminal table, then the sites opened, closed and moved."""
    old_ds, new_ds = comparison.old.dataset, comparison.new.dataset
    names = {g.code: g.display(lang) for g in (*old_ds.groups, *new_ds.groups)}
    rows = [_comparison_row(row, lang) for _, row in comparison.townships.iterrows()]
    rows.append(_comparison_total(comparison, lang))
    lines = [t("cli.compare.head", lang, old=old_ds.name, new=new_ds.name)]
    if old_ds.demo or new_ds.demo:
        lines.append(t("cli.demo", lang))
    listed = "、".join(names[c] for c in comparison.groups)
    lines.append(t("cli.compare.groups", lang, groups=listed))
    for side, codes in comparison.left_out.items():
        if codes:
            listed = "、".join(names[c] for c in codes)
            lines.append(t(f"cli.compare.left_out.{side}", lang, groups=listed))
    lines += ["", *_align([_columns([f"compare.{c}" for c in _COMPARE_COLUMNS], lang), *rows])]
    for key, ids in (("opened", comparison.opened), ("closed", comparison.closed),
                     ("moved", comparison.moved)):  # fmt: skip
        if ids:
            lines.append(t(f"cli.compare.{key}", lang) + ", ".join(ids))
    return "\n".join(lines)


def _comparison_row(row: pd.Series, lang: str) -> list[str]:
    return [
        str(row["name"]),
        t(f"cli.compare.status.{row['status']}", lang),
        _percent(row["coverage_old"]),
        _percent(row["coverage_new"]),
        format_change_pp(row["coverage_change_pp"], unit=False),
        str(row["sites_opened"]),
        str(row["sites_closed"]),
        _yuan(row["funding_yuan_old"]),
        _yuan(row["funding_yuan_new"]),
    ]


def _comparison_total(comparison: Comparison, lang: str) -> list[str]:
    totals = comparison.totals()
    table = comparison.townships
    return [
        t("cli.total", lang),
        "",
        _percent(totals["coverage_old"]["all"]),
        _percent(totals["coverage_new"]["all"]),
        format_change_pp(totals["coverage_change_pp"]["all"], unit=False),
        str(len(comparison.opened)),
        str(len(comparison.closed)),
        _yuan(table["funding_yuan_old"].sum()),
        _yuan(table["funding_yuan_new"].sum()),
    ]


def _yuan(value: float) -> str:
    return "—" if pd.isna(value) else f"{round(value):,}"


Subcommand = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
SUBCOMMANDS: dict[str, Subcommand] = {
    "validate": (_add_validate_arguments, run_validate),
    "summary": (_add_summary_arguments, run_summary),
    "access": (_add_access_arguments, run_access),
    "suggest": (_add_suggest_arguments, run_suggest),
    "export": (_add_export_arguments, run_export),
    "compare": (_add_compare_arguments, run_compare),
}
_TWO_DATASETS = {"compare"}
