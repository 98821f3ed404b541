"""Why a store cannot do what was asked, told in the user's language (zh first, en too)."""

from __future__ import annotations

__all__ = ["PublishConflictError", "StoreError"]

_TEXT: dict[str, tuple[str, str]] = {
    "not_store": (
        "{where} 不是本系统的数据仓库（{reason}）。请检查 --store / ATLAS_STORE 的设置。",
        "{where} is not an atlas store ({reason}). Check --store / ATLAS_STORE.",
    ),
    "newer": (
        "数据仓库 {where} 由更新的版本创建（结构版本 {revision}），本程序无法打开；请升级本程序。",
        "The store {where} was made by a newer release (schema {revision}); "
        "this release cannot open it. Please upgrade.",
    ),
    "unreachable": (
        "无法连接数据库 {where}：{reason}",
        "Cannot reach the database {where}: {reason}",
    ),
    "no_postgis": (
        "数据库 {where} 没有 PostGIS 扩展，且当前用户无权安装。请数据库管理员执行："
        "CREATE EXTENSION postgis;",
        "The database {where} has no PostGIS extension and this user may not install it. "
        "Ask the database administrator to run: CREATE EXTENSION postgis;",
    ),
    "bad_url": (
        "无法识别的数据仓库地址：{where}（应为 sqlite:///文件 或 postgresql+psycopg://...）",
        "Unknown store address: {where} (expected sqlite:///FILE or postgresql+psycopg://...)",
    ),
    "no_version": ("数据仓库中没有版本 {id}", "The store has no version {id}"),
    "archived": (
        "版本 {id} 已归档，其数据已不在仓库中",
        "Version {id} is archived; its data is no longer in the store",
    ),
    "no_published": (
        "数据仓库中还没有已发布的版本{dataset}",
        "The store has no published version{dataset} yet",
    ),
    "which_dataset": (
        "仓库中有多个数据集（{names}），请写 store:published:名称",
        "The store holds several datasets ({names}); write store:published:NAME",
    ),
    "bad_reference": (
        "无法识别的仓库引用 {ref}：应为 store:published、store:published:名称 或 store:版本号",
        "Unknown store reference {ref}: expected store:published, store:published:NAME or store:ID",
    ),
    "archive_published": (
        "版本 {id} 正在发布中，不能归档；请先发布另一个版本",
        "Version {id} is the published one and cannot be archived; publish another first",
    ),
    "export_exists": (
        "输出文件夹 {path} 已存在且不为空，未覆盖",
        "The output folder {path} exists and is not empty; nothing was overwritten",
    ),
    "conflict": (
        "发布未完成：在此期间 {by} 已于 {at} 发布了版本 {current}（{dataset}）。"
        "请查看后再决定是否发布。",
        "Not published: meanwhile {by} published version {current} of {dataset} at {at}. "
        "Look at it before publishing again.",
    ),
    "busy": (
        "数据仓库正忙（另一个操作尚未完成），请稍后再试：{reason}",
        "The store is busy (another change is under way); try again shortly: {reason}",
    ),
    "write_failed": (
        "写入数据仓库失败，未保存任何内容（已发布的版本不受影响）：{reason}",
        "Writing to the store failed and nothing was saved "
        "(the published version is untouched): {reason}",
    ),
}


class StoreError(Exception):
    """A store problem a person can act on; :meth:`message` tells it in ``"zh"`` or ``"en"``.

    Parameters
    ----------
    reason
        A key of the message table (``"not_store"``, ``"newer"``, ``"unreachable"``, ...).
    params
        Values substituted into the message.
    """

    def __init__(self, reason: str, /, **params: object) -> None:
        self.reason = reason
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The problem as one sentence in ``lang``."""
        zh, en = _TEXT[self.reason]
        return (en if lang == "en" else zh).format(**self.params)


class PublishConflictError(StoreError):
    """Someone else published a version of the same dataset after this caller looked."""

    def __init__(self, *, dataset: str, current: int, by: str, at: str) -> None:
        super().__init__("conflict", dataset=dataset, current=current, by=by, at=at)
        self.current = current
