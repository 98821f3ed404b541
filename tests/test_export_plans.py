"""The siting map as a file shows what the siting page shows: the numbered suggestions and
the hypothetical stations the planner placed, with the legend and key figures."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.export.plans import siting_figure
from geo.io.load import load_dataset
from geo.siting import suggest_sites
from geo.text.i18n import format_count

pypdf = pytest.importorskip("pypdf")
DEMO = Path(__file__).resolve().parents[1] / "data" / "suyu"


def test_the_siting_map_file_has_numbered_suggestions_and_placed_stations() -> None:
    dataset = load_dataset(DEMO)
    result = suggest_sites(dataset, "disabled", 3)
    placed = pd.DataFrame({"lon": [118.30], "lat": [33.95], "label": ["假1"]})
    fig = siting_figure(dataset, result, hypothetical=placed, day=date(2026, 3, 8))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf")
    text = pypdf.PdfReader(buffer).pages[0].extract_text()
    assert "宿豫区：残疾人新增站点选址建议" in text and "示例数据" in text
    assert "建议站点（序号）" in text and "假设站点" in text and "假1" in text
    numbers = [a.get_text() for a in fig.axes[0].texts]
    assert numbers == ["假1", "1", "2", "3"]
    gain = result.covered_after - result.covered_before
    assert format_count(gain) in text
