"""Command-line values checked against a dataset, with messages in the user's language."""

from __future__ import annotations

from collections.abc import Sequence

from geo.compare import shared_groups
from geo.dataset import Dataset, Group
from geo.funding import MAX_BUDGET_YUAN
from geo.summary import resolve_groups

_TEXT = {
    "zh": {
        "unknown_group": "没有服务群体“{unknown}”；可选：{known}",
        "not_shared": "服务群体“{unknown}”不是两个数据集都有；可对比：{known}",
        "no_shared": "两个数据集没有共同的服务群体，无法对比",
        "bad_budget": "--budget 应为 0 到 {most:,} 之间的整数（元），实际为 {found:,}",
    },
    "en": {
        "unknown_group": "no group '{unknown}'; known: {known}",
        "not_shared": "group '{unknown}' is not in both datasets; comparable: {known}",
        "no_shared": "the two datasets share no group: nothing to compare",
        "bad_budget": "--budget must be a whole number of yuan from 0 to {most:,}, got {found:,}",
    },
}


class OptionError(Exception):
    """A command-line value that does not fit (exit 2); the message is in the user's language."""


def chosen_groups(dataset: Dataset, names: Sequence[str] | None, lang: str) -> tuple[Group, ...]:
    """The groups named by code or label (all when none are named).

    Raises
    ------
    OptionError
        Naming the unknown values and listing the dataset's groups.
    """
    try:
        return resolve_groups(dataset, names)
    except KeyError:
        known = {n for g in dataset.groups for n in (g.code, g.label, g.label_en) if n}
        unknown = "、".join(n for n in names or () if n not in known)
        listed = "、".join(f"{g.display(lang)} ({g.code})" for g in dataset.groups)
        message = _TEXT[lang]["unknown_group"].format(unknown=unknown, known=listed)
        raise OptionError(message) from None


def check_budget(budget: int | None, lang: str) -> None:
    """:class:`OptionError` unless ``budget`` is None or 0 .. ``MAX_BUDGET_YUAN`` yuan."""
    if budget is not None and not 0 <= budget <= MAX_BUDGET_YUAN:
        raise OptionError(_TEXT[lang]["bad_budget"].format(most=MAX_BUDGET_YUAN, found=budget))


def compared_groups(
    old: Dataset, new: Dataset, names: Sequence[str] | None, lang: str
) -> tuple[str, ...]:
    """The group codes two datasets are compared on (the named ones, else all they share).

    Raises
    ------
    OptionError
        When a named group is not in both datasets, or they share no group at all.
    """
    try:
        codes, _ = shared_groups(old, new, names)
    except KeyError:
        codes, _ = shared_groups(old, new)
        known = {n for c in codes for g in (new.group(c), old.group(c))
                 for n in (g.code, g.label, g.label_en) if n}  # fmt: skip
        unknown = "、".join(n for n in names or () if n not in known)
        listed = "、".join(f"{new.group(c).display(lang)} ({c})" for c in codes)
        raise OptionError(_TEXT[lang]["not_shared"].format(unknown=unknown, known=listed)) from None
    if not codes:
        raise OptionError(_TEXT[lang]["no_shared"])
    return codes
