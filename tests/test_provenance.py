"""Readable labels for the free keys of dataset.toml on the data page."""

from __future__ import annotations

import pytest

from geo.text.i18n import CATALOG
from geo.text.provenance import metadata_label, provenance_items

DEMO_KEYS = ("boundary_note", "source", "source_date", "generator", "seed")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_keys_have_labels_in_both_languages(lang: str) -> None:
    labels = [metadata_label(key, lang) for key in DEMO_KEYS]
    assert all(f"meta.{key}" in CATALOG for key in DEMO_KEYS)
    assert not set(labels) & set(DEMO_KEYS)
    assert len(set(labels)) == len(labels)


def test_items_keep_file_order_unknown_keys_and_plain_numbers() -> None:
    metadata = {
        "source": "县民政局",
        "seed": 20210421,
        "district_office": "宿豫",
        "ratio": 1.25,
        "demo": True,
        "extra": {"nested": 1},
        "years": [2020, 2021],
    }
    assert provenance_items(metadata, "en") == [
        ("Source", "县民政局"),
        ("Random seed", "20210421"),  # a seed is not a count: no separators, no 万
        ("district_office", "宿豫"),
        ("ratio", "1.25"),
    ]
    assert provenance_items(metadata)[0] == ("数据来源", "县民政局")
