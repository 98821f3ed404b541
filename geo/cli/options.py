"""Command-line values checked against a dataset, with messages in the user's language."""

from __future__ import annotations

from collections.abc import Sequence

from geo.compare import shared_groups
from geo.dataset import Dataset, Group, resolve_groups
from geo.errors import OptionError
from geo.funding import MAX_BUDGET_YUAN


def chosen_groups(dataset: Dataset, names: Sequence[str] | None, lang: str) -> tuple[Group, ...]:
    """The groups named by code or label (all when none are named).

    Raises
    ------
    OptionError
        Naming the unknown values and listing the dataset's groups by name and code.
    """
    try:
        return resolve_groups(dataset, names, argument="--group")
    except OptionError as exc:
        listed = tuple(f"{g.display(lang)} ({g.code})" for g in dataset.groups)
        raise OptionError("--group", exc.received, allowed=listed) from None


def check_budget(budget: int | None) -> None:
    """:class:`OptionError` unless ``budget`` is None or 0 .. ``MAX_BUDGET_YUAN`` yuan."""
    if budget is not None and not 0 <= budget <= MAX_BUDGET_YUAN:
        params = {"most": MAX_BUDGET_YUAN}
        raise OptionError("--budget", budget, expected="option.expected.budget", params=params)


def compared_groups(
    old: Dataset, new: Dataset, names: Sequence[str] | None, lang: str
) -> tuple[str, ...]:
    """The group codes two datasets are compared on (the named ones, else all they share).

    Raises
    ------
    OptionError
        When a named group is not in both datasets (listing the shared groups by name and
        code), or the datasets share no group at all.
    """
    try:
        codes, _ = shared_groups(old, new, names, argument="--group")
    except OptionError as exc:
        shared, _ = shared_groups(old, new)
        listed = tuple(f"{new.group(c).display(lang)} ({c})" for c in shared)
        raise OptionError("--group", exc.received, allowed=listed) from None
    return codes


def chosen_townships(dataset: Dataset, names: Sequence[str] | None) -> list[str]:
    """Township codes named by code or name (every township, in order, when none are named).

    Raises
    ------
    OptionError
        Naming the unknown values and listing the dataset's townships by name and code.
    """
    towns = dataset.townships
    by_name = dict(zip(towns["code"], towns["code"], strict=True))
    by_name |= dict(zip(towns["name"], towns["code"], strict=True))
    if not names:
        return list(towns["code"])
    unknown = [n for n in names if n not in by_name]
    if unknown:
        pairs = zip(towns["name"], towns["code"], strict=True)
        listed = tuple(f"{name} ({code})" for name, code in pairs)
        raise OptionError("--township", "、".join(unknown), allowed=listed)
    return [by_name[n] for n in names]
