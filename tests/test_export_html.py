"""The standalone HTML map works from disk: nothing is loaded from the network."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from _export_data import TOWNSHIP_NAMES, make_dataset

from geo.export.html import html_page, write_html
from geo.summary import summarize

REMOTE = re.compile(
    r"<script[^>]+src=[\"']?(https?:)?//|<link[^>]+href=[\"']?(https?:)?//", re.IGNORECASE
)


def test_html_has_no_remote_script_or_stylesheet(tmp_path: Path) -> None:
    path = write_html(summarize(make_dataset()), tmp_path / "map.html", day=date(2026, 3, 8))
    page = path.read_text(encoding="utf-8")
    assert REMOTE.search(page) is None
    assert "<script src" not in page.replace('<script src="data:', "")
    assert "L.map(" in page or "L.map (" in page  # Leaflet itself is inlined
    assert page.count("<style>") >= 1


def test_html_carries_the_title_box_and_names() -> None:
    page = html_page(summarize(make_dataset()), indicator="unreached", day=date(2026, 3, 8))
    assert "宿豫区：未覆盖人数" in page
    assert "示例数据 / 示意边界" in page
    assert "2026年3月8日" in page
    for name in TOWNSHIP_NAMES:
        assert name in page or name.encode("unicode_escape").decode() in page
