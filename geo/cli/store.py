"""``python -m geo store add|list|publish|export|log|archive``: the office's dataset versions.

The store is chosen with ``--store URL`` or ``ATLAS_STORE`` (default: the SQLite file in the
data directory); who acts is ``ATLAS_USER``, else the login name.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING

from geo.text.i18n import CATALOG, display_width, t

if TYPE_CHECKING:
    from geo.io.store import AuditEntry, Store, VersionInfo

EXIT_OK = 0

VERSION_COLUMNS = ("id", "dataset", "label", "status", "added_by", "added_at", "note")
LOG_COLUMNS = ("at", "actor", "action", "dataset", "from", "to", "subject")


def add_store_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """The ``store`` command and its subcommands."""
    store = sub.add_parser("store", help="the office's dataset versions (add, list, publish...)")
    actions = store.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", parents=[common], help="validate a folder and store it")
    add.add_argument("folder", type=Path, help="dataset folder")
    add.add_argument("--label", required=True, help="e.g. 2022年度")
    add.add_argument("--note", default="", help="what changed, where it comes from")
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", parents=[common], help="every version, newest first")
    listing.add_argument("--json", action="store_true", help="print only JSON")
    listing.set_defaults(run=run_list)

    publish = actions.add_parser(
        "publish", parents=[common], help="publish a version (or roll back to an older one)"
    )
    publish.add_argument("id", type=int, help="version id")
    publish.add_argument(
        "--expect", metavar="ID", help="fail unless ID (or 'none') is published now"
    )
    publish.set_defaults(run=run_publish)

    export = actions.add_parser("export", parents=[common], help="a version back to a folder")
    export.add_argument("id", type=int, help="version id")
    export.add_argument("out", type=Path, help="new (or empty) folder")
    export.set_defaults(run=run_export)

    log = actions.add_parser("log", parents=[common], help="the audit log, newest first")
    log.add_argument("--json", action="store_true", help="print only JSON")
    log.add_argument("--limit", type=int, metavar="N", help="only the last N entries")
    log.set_defaults(run=run_log)

    archive = actions.add_parser(
        "archive", parents=[common], help="remove an unpublished version's data (kept in log)"
    )
    archive.add_argument("id", type=int, help="version id")
    archive.set_defaults(run=run_archive)


def _open(args: argparse.Namespace) -> Store:
    from geo.io.store import open_store  # SQLAlchemy only for the store's commands

    return open_store(args.store)


def run_add(args: argparse.Namespace) -> int:
    """Validate FOLDER and keep it as a new version (a draft until published)."""
    from geo.cli.commands import format_problems

    lang = args.lang
    with _open(args) as store:
        result = store.add(args.folder, label=args.label, note=args.note)
    v = result.version
    if result.duplicate:
        status = t(f"store.status.{v.status}", lang)
        print(t("store.duplicate", lang, id=v.id, label=v.label, status=status))
        return EXIT_OK
    print(t("store.added", lang, id=v.id, label=v.label, dataset=v.dataset))
    if v.report:
        print(t("store.warnings", lang, count=len(v.report)))
        print(format_problems(v.report, args.lang))
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    """Print every version: id, dataset, label, status, who and when."""
    with _open(args) as store:
        versions, where = store.versions(), store.where
    rows = [_version_row(v, args.lang) for v in versions]
    _print_records(
        args, [v.to_json() for v in versions], rows, VERSION_COLUMNS, "store.empty", where
    )
    return EXIT_OK


def _version_row(v: VersionInfo, lang: str) -> list[str]:
    status = t(f"store.status.{v.status}", lang)
    return [str(v.id), v.dataset, v.label, status, v.added_by, local_time(v.added_at), v.note]


def run_publish(args: argparse.Namespace) -> int:
    """Publish version ID: every dashboard and ``store:published`` shows it from now on."""
    expected: int | EllipsisType | None = ...
    if args.expect is not None:
        expected = None if args.expect.lower() == "none" else int(args.expect)
    with _open(args) as store:
        before = store.version(args.id).status
        version = store.publish(args.id, expected=expected)
    if before == "published":
        print(t("store.unchanged", args.lang, id=version.id))
    else:
        print(
            t("store.published", args.lang, id=version.id, label=version.label,
              dataset=version.dataset)
        )  # fmt: skip
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """Write version ID's files, as they were added, into the folder OUT."""
    with _open(args) as store:
        path = store.export(args.id, args.out)
    print(t("store.exported", args.lang, id=args.id, path=path))
    return EXIT_OK


def run_log(args: argparse.Namespace) -> int:
    """Print the audit log: who changed what, when, from which version to which."""
    with _open(args) as store:
        entries, where = store.log(args.limit), store.where
    rows = [_log_row(e, args.lang) for e in entries]
    _print_records(args, [e.to_json() for e in entries], rows, LOG_COLUMNS, "store.no_log", where)
    return EXIT_OK


def _print_records(
    args: argparse.Namespace,
    records: list[dict[str, object]],
    rows: list[list[str]],
    columns: tuple[str, ...],
    empty_key: str,
    where: str,
) -> None:
    """``--json``: the records; else the rows under translated headers, or a line if none."""
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    elif not rows:
        print(t(empty_key, args.lang, where=where))
    else:
        print(table([[t(f"store.col.{c}", args.lang) for c in columns], *rows]))


def _log_row(entry: AuditEntry, lang: str) -> list[str]:
    key = f"store.action.{entry.action}"
    action = t(key, lang) if key in CATALOG else entry.action
    return [
        local_time(entry.at),
        entry.actor,
        action,
        entry.dataset or "",
        "" if entry.from_version is None else str(entry.from_version),
        "" if entry.to_version is None else str(entry.to_version),
        entry.subject(lang),
    ]


def run_archive(args: argparse.Namespace) -> int:
    """Remove the data of version ID (not the published one); its record and log stay."""
    with _open(args) as store:
        store.archive(args.id)
    print(t("store.archived", args.lang, id=args.id))
    return EXIT_OK


def local_time(when: datetime) -> str:
    """A moment in the machine's time zone, to the minute."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def table(rows: list[list[str]]) -> str:
    """Left-aligned columns (wide Chinese characters count twice)."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = (
        "  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True))
        for row in rows
    )
    return "\n".join(line.rstrip() for line in lines)
