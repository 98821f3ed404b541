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

if TYPE_CHECKING:
    from geo.io.store import AuditEntry, Store, VersionInfo

EXIT_OK = 0

_TEXT = {
    "zh": {
        "added": "已保存为版本 {id}：{label}（{dataset}，草稿；发布：store publish {id}）",
        "duplicate": "内容与版本 {id}（{label}，{status}）完全相同，未重复保存",
        "published": "已发布版本 {id}：{label}（{dataset}）",
        "unchanged": "版本 {id} 已是发布版本，未改变",
        "exported": "版本 {id} 已导出到 {path}",
        "archived": "版本 {id} 已归档（数据已删除，记录保留）",
        "empty": "数据仓库中还没有版本：{where}",
        "no_log": "日志为空：{where}",
        "warnings": "验证警告 {count} 条：",
        "columns": ["编号", "数据集", "标签", "状态", "添加人", "添加时间", "说明"],
        "log_columns": ["时间", "操作人", "操作", "数据集", "从", "到"],
        "status": {"published": "已发布", "draft": "草稿", "archived": "已归档"},
        "actions": {
            "add": "添加",
            "publish": "发布",
            "rollback": "回退",
            "archive": "归档",
        },
    },
    "en": {
        "added": "Saved as version {id}: {label} ({dataset}, a draft; publish: store publish {id})",
        "duplicate": "Identical to version {id} ({label}, {status}); not saved again",
        "published": "Published version {id}: {label} ({dataset})",
        "unchanged": "Version {id} is already the published one; nothing changed",
        "exported": "Version {id} exported to {path}",
        "archived": "Version {id} archived (its data removed, its record kept)",
        "empty": "The store has no versions yet: {where}",
        "no_log": "The log is empty: {where}",
        "warnings": "{count} validation warnings:",
        "columns": ["ID", "Dataset", "Label", "Status", "Added by", "Added at", "Note"],
        "log_columns": ["When", "Who", "Action", "Dataset", "From", "To"],
        "status": {"published": "published", "draft": "draft", "archived": "archived"},
        "actions": {
            "add": "add",
            "publish": "publish",
            "rollback": "roll back",
            "archive": "archive",
        },
    },
}


def add_store_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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

    text = _TEXT[args.lang]
    with _open(args) as store:
        result = store.add(args.folder, label=args.label, note=args.note)
    v = result.version
    if result.duplicate:
        status = text["status"][v.status]
        print(text["duplicate"].format(id=v.id, label=v.label, status=status))
        return EXIT_OK
    print(text["added"].format(id=v.id, label=v.label, dataset=v.dataset))
    if v.report:
        print(text["warnings"].format(count=len(v.report)))
        print(format_problems(v.report, args.lang))
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    """Print every version: id, dataset, label, status, who and when."""
    text = _TEXT[args.lang]
    with _open(args) as store:
        versions, where = store.versions(), store.where
    if args.json:
        print(json.dumps([v.to_json() for v in versions], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not versions:
        print(text["empty"].format(where=where))
        return EXIT_OK
    print(_table([text["columns"], *(_version_row(v, args.lang) for v in versions)]))
    return EXIT_OK


def _version_row(v: VersionInfo, lang: str) -> list[str]:
    status = _TEXT[lang]["status"][v.status]
    return [str(v.id), v.dataset, v.label, status, v.added_by, _local(v.added_at), v.note]


def run_publish(args: argparse.Namespace) -> int:
    """Publish version ID: every dashboard and ``store:published`` shows it from now on."""
    text = _TEXT[args.lang]
    expected: int | EllipsisType | None = ...
    if args.expect is not None:
        expected = None if args.expect.lower() == "none" else int(args.expect)
    with _open(args) as store:
        before = store.version(args.id).status
        version = store.publish(args.id, expected=expected)
    if before == "published":
        print(text["unchanged"].format(id=version.id))
    else:
        print(text["published"].format(id=version.id, label=version.label, dataset=version.dataset))
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """Write version ID's files, as they were added, into the folder OUT."""
    with _open(args) as store:
        path = store.export(args.id, args.out)
    print(_TEXT[args.lang]["exported"].format(id=args.id, path=path))
    return EXIT_OK


def run_log(args: argparse.Namespace) -> int:
    """Print the audit log: who changed what, when, from which version to which."""
    text = _TEXT[args.lang]
    with _open(args) as store:
        entries, where = store.log(args.limit), store.where
    if args.json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not entries:
        print(text["no_log"].format(where=where))
        return EXIT_OK
    print(_table([text["log_columns"], *(_log_row(e, args.lang) for e in entries)]))
    return EXIT_OK


def _log_row(entry: AuditEntry, lang: str) -> list[str]:
    action = _TEXT[lang]["actions"].get(entry.action, entry.action)
    return [
        _local(entry.at),
        entry.actor,
        action,
        entry.dataset or "",
        "" if entry.from_version is None else str(entry.from_version),
        "" if entry.to_version is None else str(entry.to_version),
    ]


def run_archive(args: argparse.Namespace) -> int:
    """Remove the data of version ID (not the published one); its record and log stay."""
    with _open(args) as store:
        store.archive(args.id)
    print(_TEXT[args.lang]["archived"].format(id=args.id))
    return EXIT_OK


def _local(when: datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _table(rows: list[list[str]]) -> str:
    """Left-aligned columns (wide Chinese characters count twice)."""
    from geo.cli.commands import _width

    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = (
        "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True))
        for row in rows
    )
    return "\n".join(line.rstrip() for line in lines)
