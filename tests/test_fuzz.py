"""A bounded, seeded run of the mutation fuzzer (``make fuzz`` runs a longer one).

What the fuzzer found on earlier code is kept as regular tests in ``test_hostile.py`` and
``test_readers.py``: a deleted comma read as a blank last count (seed 55), a NaN in a township
ring (seed 367), a group weight of 1e305 (seed 127).
"""

from __future__ import annotations

import pytest
from fuzz.fuzz import fuzz

CASES = 250


@pytest.mark.slow  # a minute: the quick loop leaves it out, make test runs it
def test_every_mutated_dataset_is_refused_with_a_report_or_adds_up() -> None:
    outcomes = fuzz(CASES, seed=0)
    failures = [
        f"seed {o.seed}: {o.failure}; {', '.join(o.mutations)}" for o in outcomes if o.failure
    ]
    assert not failures, "\n".join(failures)
    # both halves of the oracle are exercised
    assert sum(o.code == 0 for o in outcomes) > CASES // 10
    assert sum(o.code == 2 for o in outcomes) > CASES // 2
