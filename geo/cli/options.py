"""Command-line values checked against a dataset, with messages in the user's language."""

from __future__ import annotations

from collections.abc import Sequence

from geo.dataset import Dataset, Group
from geo.funding import MAX_BUDGET_YUAN
from geo.summary import resolve_groups

_TEXT = {
    "zh": {
        "unknown_group": "没有服务群体“{unknown}”；可选：{known}",
        "bad_budget": "--budget 应为 0 到 {most:,} 之间的整数（元），实际为 {found:,}",
        "unknown_township": "没有乡镇“{unknown}”；可选：{known}",
    },
    "en": {
        "unknown_group": "no group '{unknown}'; known: {known}",
        "bad_budget": "--budget must be a whole number of yuan from 0 to {most:,}, got {found:,}",
        "unknown_township": "no township '{unknown}'; known: {known}",
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


def chosen_townships(dataset: Dataset, names: Sequence[str] | None, lang: str) -> list[str]:
    """Township codes named by code or name (every township, in order, when none are named).

    Raises
    ------
    OptionError
        Naming the unknown values and listing the dataset's townships.
    """
    towns = dataset.townships
    by_name = dict(zip(towns["code"], towns["code"], strict=True))
    by_name |= dict(zip(towns["name"], towns["code"], strict=True))
    if not names:
        return list(towns["code"])
    unknown = [n for n in names if n not in by_name]
    if unknown:
        pairs = zip(towns["code"], towns["name"], strict=True)
        listed = "、".join(f"{name} ({code})" for code, name in pairs)
        message = _TEXT[lang]["unknown_township"].format(unknown="、".join(unknown), known=listed)
        raise OptionError(message)
    return [by_name[n] for n in names]
