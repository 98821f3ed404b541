"""AppTest: the siting page and the coverage page's accessibility layer give geo/'s numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from geo.io.load import load_dataset
from geo.siting import add_stations, suggest_sites
from geo.summary import summarize
from geo.text.i18n import format_count, format_percent, t
from geo.travel import minutes_to_metres

DEMO = Path(__file__).resolve().parent.parent / "data" / "suyu"
GROUP = "elders_left_behind"  # the first group: the page's default
# A spot in the north-west of the district (晓店街道) that the elders' stations do not reach
SPOT = (118.25, 34.05)


@pytest.fixture(scope="module")
def demo() -> object:
    return load_dataset(DEMO)


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _coverage_with(dataset: object, lon: list[float], lat: list[float]) -> str:
    radius = dataset.group(GROUP).radius_m  # type: ignore[attr-defined]
    changed = add_stations(dataset, lon, lat, (GROUP,), radius_m=radius)  # type: ignore[arg-type]
    return format_percent(summarize(changed, groups=[GROUP]).totals()["coverage"][GROUP])


@pytest.mark.parametrize(("lang", "title"), [("zh", "选址建议"), ("en", "Where should")])
def test_the_siting_page_opens_in_both_languages(lang: str, title: str) -> None:
    app = open_app(page="siting", lang=lang)
    assert app.title[0].value.startswith(title)
    assert any("示例数据" in w.value or "Sample data" in w.value for w in app.warning)
    assert len(app.dataframe[0].value) == 3  # K = 3 by default


def test_three_suggestions_add_up_to_the_coverage_gain(demo: object) -> None:
    app = open_app(page="siting", group="disabled")
    app.number_input(key="siting_k").set_value(3).run()
    table = app.dataframe[0].value
    gains = [int(v) for v in table["新增覆盖人数"]]
    expected = suggest_sites(demo, "disabled", 3)  # type: ignore[arg-type]
    assert len(gains) == 3
    assert sum(gains) == expected.covered_after - expected.covered_before
    assert list(table["候选点编号"]) == list(expected.suggestions["candidate_id"])
    metrics = _metrics(app)
    assert metrics["新增覆盖人数"] == format_count(sum(gains))
    assert metrics["增设 3 个站点后"] == format_percent(expected.covered_after / expected.demand)
    assert app.query_params["group"] == "disabled"


def test_minutes_become_the_radius_of_new_stations(demo: object) -> None:
    app = open_app(page="siting")
    app.radio(key="siting_reach").set_value("minutes").run()
    app.selectbox(key="siting_mode").set_value("walking").run()
    app.number_input(key=f"siting_minutes_{GROUP}_walking").set_value(15).run()
    assert any("≈ 直线距离 865 米" in c.value for c in app.sidebar.caption)
    expected = suggest_sites(demo, GROUP, 3, radius_m=round(minutes_to_metres(15)))  # type: ignore[arg-type]
    table = app.dataframe[0].value
    assert list(table["候选点编号"]) == list(expected.suggestions["candidate_id"])


def test_a_typed_station_changes_coverage_as_geo_computes_and_removing_restores_it(
    demo: object,
) -> None:
    app = open_app(page="siting")
    label = t("whatif.kpi.coverage")
    before = _metrics(app)[label]
    assert before == _coverage_with(demo, [], [])
    app.number_input(key="whatif_lon").set_value(SPOT[0])
    app.number_input(key="whatif_lat").set_value(SPOT[1])
    app.button(key="whatif_add").click().run()
    assert not app.exception
    after = _metrics(app)[label]
    assert after == _coverage_with(demo, [SPOT[0]], [SPOT[1]]) != before
    assert any("假1" in m.value for m in app.markdown)
    assert app.session_state["whatif_stations"][0]["lon"] == SPOT[0]
    app.button(key="whatif_remove_1").click().run()
    assert _metrics(app)[label] == before
    assert app.session_state["whatif_stations"] == []


def test_a_hypothetical_station_shows_the_township_scores(demo: object) -> None:
    app = open_app(page="siting", lang="en")
    app.number_input(key="whatif_lon").set_value(SPOT[0])
    app.number_input(key="whatif_lat").set_value(SPOT[1])
    app.button(key="whatif_add").click().run()
    towns = app.dataframe[-1].value
    assert list(towns.columns) == ["Township", "People", "Score now", "With hypothetical", "Change"]
    assert len(towns) == len(demo.townships)  # type: ignore[attr-defined]
    assert towns.iloc[0]["Change"].startswith("+")


def test_a_bad_candidate_list_shows_the_report_and_keeps_the_villages() -> None:
    app = open_app(page="siting")
    before = list(app.dataframe[0].value["候选点编号"])
    bad = "编号,经度\nC1,118.3\n".encode()  # no latitude column
    app.get("file_uploader")[0].set_value(("候选点.csv", bad, "text/csv"))
    app.run()
    assert not app.exception
    assert any("未采用" in e.value for e in app.error)
    assert any("候选点.csv" in str(v) for v in app.dataframe[0].value.iloc[:, 1])
    assert list(app.dataframe[1].value["候选点编号"]) == before


def test_an_uploaded_candidate_list_is_used() -> None:
    app = open_app(page="siting")
    good = "编号,名称,经度,纬度\nC1,甲,118.30,33.95\nC2,乙,118.45,34.05\n".encode()
    app.get("file_uploader")[0].set_value(("候选点.csv", good, "text/csv"))
    app.run()
    assert not app.exception and not app.error
    table = app.dataframe[0].value
    assert set(table["候选点编号"]) <= {"C1", "C2"} and len(table) >= 1


@pytest.mark.parametrize("layer", ["points", "townships"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_coverage_page_opens_with_the_accessibility_layer(layer: str, lang: str) -> None:
    app = open_app(page="coverage", layer=layer, lang=lang)
    assert app.radio(key="access_layer").value == layer
    notes = " ".join(c.value for c in app.caption)
    assert ("77 个站点中有 24 个" if lang == "zh" else "24 of the group's 77") in notes
    app.selectbox(key="access_method").set_value("e2sfca").run()
    assert not app.exception
    app.radio(key="access_layer").set_value("coverage").run()
    assert not app.exception and "layer" not in app.query_params
