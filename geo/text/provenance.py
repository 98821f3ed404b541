"""Where a dataset comes from, as people read it: the free keys of ``dataset.toml``.

Any key of ``dataset.toml`` that the loader does not use (``source``, ``source_date``,
``boundary_note``, ...) ends up in ``Dataset.metadata``; this module gives those keys
readable labels in the UI language and keeps unknown keys as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

from geo.text.i18n import CATALOG, t

__all__ = ["metadata_label", "provenance_items"]


def metadata_label(key: str, lang: str = "zh") -> str:
    """The readable label of a ``dataset.toml`` key, or the key itself when unknown.

    Examples
    --------
    >>> metadata_label("source_date"), metadata_label("source_date", "en")
    ('来源日期', 'Source date')
    >>> metadata_label("district_office", "en")
    'district_office'
    """
    catalog_key = f"meta.{key}"
    return t(catalog_key, lang) if catalog_key in CATALOG else key


def provenance_items(metadata: Mapping[str, object], lang: str = "zh") -> list[tuple[str, str]]:
    """``(label, value)`` pairs of the plain (text or number) metadata, in file order.

    Numbers keep their digits (a seed or a year is not a count: no separators, no 万);
    tables and lists are left out.
    """
    items: list[tuple[str, str]] = []
    for key, value in metadata.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            continue
        text = f"{value:g}" if isinstance(value, float) else str(value)
        items.append((metadata_label(key, lang), text))
    return items
