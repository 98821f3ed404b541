"""AppTest: the public view (``?view=public``) shows no small count on any page; planners see all.

The demo (data/suyu, k = 5) has 380 village counts of 1-4 among 1,995 village x group cells;
with every group chosen, 5 of its 12 townships keep their people count ("*"), and the
district's people count is exact while its covered count is not (geo.privacy, rule 5).
"""

from __future__ import annotations

import re

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest
from test_app_pages import DEMO

from geo.export.tables import gap_table, unreached_table
from geo.io.load import load_dataset
from geo.privacy import public_summary
from geo.summary import Summary, summarize
from geo.text.i18n import format_count


@pytest.fixture(scope="module")
def public() -> Summary:
    return public_summary(summarize(load_dataset(DEMO)))


def _text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    return "\n".join(parts)


def _small(values: list[object]) -> list[object]:
    return [v for v in values if isinstance(v, int | float) and 0 < v < 5]


def test_the_public_overview_says_so_and_shows_the_public_figures(public: Summary) -> None:
    app = open_app(page="overview", view="public")
    assert "公开版" in _text(app) and "内部版" not in _text(app)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["服务对象（人）"] == format_count(float(public.townships["people"].sum()))
    assert metrics["覆盖率"] == "*"  # the district's covered count is protected
    assert app.query_params["view"] == "public"  # kept in the link the page shows


def test_planners_see_the_internal_edition() -> None:
    app = open_app(page="overview")
    assert "内部版" in _text(app)
    assert next(m.value for m in app.metric if m.label == "覆盖率") != "*"


def test_public_coverage_tables_hold_no_small_count(public: Summary) -> None:
    app = open_app(page="coverage", view="public")
    frames = {tuple(d.value.columns): d.value for d in app.dataframe}
    gaps = frames[tuple(gap_table(public).frame.columns)]
    assert "*" in set(gaps["服务对象"])  # the protected townships read "*"
    villages = frames[tuple(unreached_table(public).frame.columns)]
    assert len(villages) == len(unreached_table(public).frame)  # the rows of shown cells only
    for frame in frames.values():
        for column in frame.columns:
            if re.search("服务对象|已覆盖|未覆盖", str(column)):
                assert _small(list(frame[column])) == [], column


def test_the_public_township_detail_protects_its_figures(public: Summary) -> None:
    town = str(public.disclosure.townships.index[~public.disclosure.townships["people"]][0])  # type: ignore[union-attr]
    app = open_app(page="coverage", view="public", township=town)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["服务对象（人）"] == "*"
    assert not [b for b in app.get("download_button") if "township_sheet" in str(b.proto.id)]


def test_the_public_view_offers_no_planner_tools() -> None:
    app = open_app(page="data", view="public")
    assert app.title[0].value.startswith("总览")  # the data page is not there: the overview
    assert not app.file_uploader


def test_public_funding_withholds_the_allocation() -> None:
    app = open_app(page="funding", view="public")
    assert "公开版不显示建议分配" in _text(app)


def test_public_compare_page_and_deck_open_without_protected_figures() -> None:
    app = open_app(page="compare", view="public")
    table = app.dataframe[0].value
    assert table["变化（百分点）"].isna().any()  # some townships keep a year's figure
    deck = open_app(mode="briefing", view="public")
    assert "公开版" in _text(deck)
    assert {m.label: m.value for m in deck.metric}["覆盖率"] == "*"
    assert deck.metric[0].delta is None or deck.metric[0].delta == ""
