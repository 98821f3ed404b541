"""geo: the spatial core of the service-coverage atlas (no Streamlit here).

The package is laid out by tier:

- the analysis, one concept a module, flat: :mod:`geo.dataset`, :mod:`geo.coverage`,
  :mod:`geo.access`, :mod:`geo.siting` (with the solver in :mod:`geo.cover`),
  :mod:`geo.travel`, :mod:`geo.funding`, :mod:`geo.summary`, :mod:`geo.selection`,
  :mod:`geo.indicators`, :mod:`geo.planning`, :mod:`geo.projection`, :mod:`geo.compare`,
  :mod:`geo.privacy` (small counts kept out of the public edition);
- :mod:`geo.io`: files -> :class:`Dataset` (readers, the column contract, dataset.toml,
  validation, datum conversion, uploads, templates, candidate lists);
- :mod:`geo.text`: the string catalog, number formats, fonts, provenance;
- :mod:`geo.maps`: Leaflet maps for the dashboard and the HTML export;
- :mod:`geo.export`: static maps, charts, the briefing pack, report tables;
- :mod:`geo.cli`: ``python -m geo ...``.

The analysis never imports io, maps, export or cli, and nothing in geo imports Streamlit
(``tests/test_layout.py`` checks both). The names below are the public API; they are imported
on first use, so ``import geo`` stays cheap::

    import geo
    dataset = geo.load_dataset("data/suyu")
    table = geo.summary_to_json(geo.summarize(dataset, groups=["elders_left_behind"]))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.access import AccessResult, compute_access
    from geo.compare import Comparison, compare, comparison_to_json
    from geo.coverage import Coverage, compute_coverage
    from geo.dataset import Dataset, Group, resolve_groups
    from geo.errors import DatasetError, OptionError, Problem
    from geo.funding import allocate_budget
    from geo.io.candidates import read_candidates
    from geo.io.load import load_dataset
    from geo.io.validate import validate_dataset
    from geo.privacy import public_summary
    from geo.siting import SitingResult, suggest_sites
    from geo.summary import Summary, summarize, summary_to_json

_PUBLIC: dict[str, str] = {
    "AccessResult": "geo.access",
    "compute_access": "geo.access",
    "Comparison": "geo.compare",
    "compare": "geo.compare",
    "comparison_to_json": "geo.compare",
    "Coverage": "geo.coverage",
    "compute_coverage": "geo.coverage",
    "Dataset": "geo.dataset",
    "Group": "geo.dataset",
    "resolve_groups": "geo.dataset",
    "DatasetError": "geo.errors",
    "OptionError": "geo.errors",
    "Problem": "geo.errors",
    "allocate_budget": "geo.funding",
    "read_candidates": "geo.io.candidates",
    "load_dataset": "geo.io.load",
    "validate_dataset": "geo.io.validate",
    "public_summary": "geo.privacy",
    "SitingResult": "geo.siting",
    "suggest_sites": "geo.siting",
    "Summary": "geo.summary",
    "summarize": "geo.summary",
    "summary_to_json": "geo.summary",
}

__all__ = [
    "AccessResult",
    "Comparison",
    "Coverage",
    "Dataset",
    "DatasetError",
    "Group",
    "OptionError",
    "Problem",
    "SitingResult",
    "Summary",
    "allocate_budget",
    "compare",
    "comparison_to_json",
    "compute_access",
    "compute_coverage",
    "load_dataset",
    "public_summary",
    "read_candidates",
    "resolve_groups",
    "suggest_sites",
    "summarize",
    "summary_to_json",
    "validate_dataset",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        msg = f"module 'geo' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(_PUBLIC[name]), name)
