"""One convention for bad arguments: a ValueError naming the argument, what fits, what came."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from small_dataset import make_dataset

from geo.access import compute_access
from geo.coverage import compute_coverage
from geo.dataset import Dataset, resolve_groups, with_parameters
from geo.errors import OptionError, check_choice
from geo.siting import suggest_sites
from geo.summary import summarize

CALLS: dict[str, Callable[[Dataset], object]] = {
    "summarize": lambda d: summarize(d, groups=["eldrs"]),
    "compute_coverage": lambda d: compute_coverage(d, ["eldrs"]),
    "compute_access": lambda d: compute_access(d, "eldrs"),
    "suggest_sites": lambda d: suggest_sites(d, "eldrs", 1),
    "with_parameters": lambda d: with_parameters(d, radii_m={"eldrs": 100.0}),
    "resolve_groups": lambda d: resolve_groups(d, ["elders", "eldrs"]),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_the_same_typo_gives_the_same_error_everywhere(call: Callable[[Dataset], object]) -> None:
    with pytest.raises(ValueError, match=r"must be one of 'elders', 'children'; got 'eldrs'\.$"):
        call(make_dataset())


def test_none_and_an_empty_choice_both_mean_every_group() -> None:
    dataset = make_dataset()
    assert resolve_groups(dataset, None) == resolve_groups(dataset, []) == dataset.groups
    assert resolve_groups(dataset, ["Left-behind children", "留守老人"]) == dataset.groups
    assert [g.code for g in resolve_groups(dataset, ["children"])] == ["children"]


def test_messages_in_both_languages_name_argument_allowed_and_received() -> None:
    error = OptionError("--budget", -5, expected="option.expected.budget", params={"most": 10})
    assert str(error) == "`--budget` must be a whole number of yuan from 0 to 10; got -5."
    assert error.message("zh") == "--budget 应为 0 到 10 之间的整数（元），实际为 -5"
    with pytest.raises(OptionError) as caught:
        check_choice("view", "maps", ("indicator", "coverage"))
    assert caught.value.message("zh") == "view 应为 “indicator”、“coverage” 之一，实际为 “maps”"
    assert (caught.value.argument, caught.value.received) == ("view", "maps")
