"""AppTest: every page opens in both languages, and the key interactions give geo/'s numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from geo.compare import compare
from geo.io.load import load_dataset
from geo.selection import district_kpis
from geo.summary import summarize
from geo.text.i18n import format_count, format_percent, format_yuan

DEMO = Path(__file__).resolve().parent.parent / "data" / "suyu"
PAGES = ("overview", "coverage", "funding", "compare", "data")
TITLES = {
    ("overview", "zh"): "总览",
    ("overview", "en"): "Overview",
    ("coverage", "zh"): "覆盖与缺口",
    ("coverage", "en"): "Coverage & gaps",
    ("funding", "zh"): "公益创投资金分配",
    ("funding", "en"): "Venture funding allocation",
    ("compare", "zh"): "年度对比",
    ("compare", "en"): "This year against last year",
    ("data", "zh"): "数据",
    ("data", "en"): "Data",
}


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_in_both_languages(page: str, lang: str) -> None:
    app = open_app(page=page, lang=lang)
    assert app.title[0].value.startswith(TITLES[page, lang])
    assert any("示例数据" in w.value or "Sample data" in w.value for w in app.warning)


def test_changing_the_group_gives_the_kpis_geo_computes() -> None:
    app = open_app(page="overview")
    dataset = load_dataset(DEMO)
    before = _metrics(app)
    app.multiselect(key="groups").set_value(["disabled"]).run()
    after = _metrics(app)
    kpis = district_kpis(summarize(dataset, groups=["disabled"]))
    assert after["服务对象（人）"] == format_count(kpis.people)
    assert after["覆盖率"] == format_percent(kpis.coverage)
    assert after["社会组织"] == format_count(kpis.organizations)
    assert after["服务站点"] == format_count(kpis.stations)
    assert after[f"{kpis.funding_year}年公益创投"] == format_yuan(kpis.funding_yuan)
    assert after != before
    assert app.query_params["group"] == "disabled"


def test_the_url_sets_group_indicator_and_township() -> None:
    app = open_app(page="coverage", group="children_left_behind", township="321311113")
    assert app.multiselect(key="groups").value == ["children_left_behind"]
    assert app.selectbox(key="township").value == "321311113"
    assert any(s.value.startswith("新庄镇") for s in app.subheader)
    overview = open_app(page="overview", indicator="unreached")
    assert overview.selectbox(key="indicator").value == "unreached"


def test_catchment_circles_are_off_for_many_groups_and_on_for_one() -> None:
    every = open_app(page="coverage")
    assert every.toggle(key="show_catchments_many").value is False
    one = open_app(page="coverage", group="children_left_behind")
    assert one.toggle(key="show_catchments_few").value is True


def _funding_column(app: AppTest) -> list[int]:
    table = app.dataframe[0].value
    return [int(v) for v in table["建议分配（元）"]]


def test_a_funding_weight_changes_the_allocation_and_keeps_the_budget() -> None:
    app = open_app(page="funding")
    before = _funding_column(app)
    assert sum(before) == 300000
    app.number_input(key="weight_disabled").set_value(5.0).run()
    after = _funding_column(app)
    assert after != before and sum(after) == 300000
    app.number_input(key="budget").set_value(450000).run()
    assert sum(_funding_column(app)) == 450000


def _text(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def test_briefing_is_a_four_slide_deck_that_names_the_groups_on_every_slide() -> None:
    app = open_app(mode="briefing")
    assert len(app.metric) == 4
    assert not app.sidebar.children or all(
        not getattr(child, "children", None) for child in app.sidebar.children.values()
    )
    assert not app.multiselect and not app.selectbox
    assert [b.label for b in app.button] == ["‹ 上一页", "下一页 ›"]
    # the key figures carry their change since the simulated 2020
    assert _metrics(app)["覆盖率"] == "49.6%"
    assert app.metric[0].delta == "比上年 +1.3个百分点"
    titles = [app.title[0].value]
    for _ in range(3):
        assert "服务群体：全部 7 类服务群体" in _text(app)
        app.button(key="deck_next").click().run()
        assert not app.exception
        titles.append(app.title[0].value)
    assert "服务群体：全部 7 类服务群体" in _text(app)
    assert [title.split(" · ")[0] for title in titles] == [
        "全区服务覆盖", "覆盖最薄弱的乡镇", "下一轮公益创投资金建议分配", "与上年相比的变化",
    ]  # fmt: skip
    assert app.query_params["slide"] == "4"
    assert app.button(key="deck_next").disabled


def test_briefing_worst_townships_and_funding_slides_give_geo_figures() -> None:
    summary = summarize(load_dataset(DEMO), groups=["disabled"])
    worst = summary.townships.sort_values("unreached", ascending=False).head(5)
    app = open_app(mode="briefing", group="disabled", slide="2")
    text = _text(app)
    assert "服务群体：残疾人" in text
    positions = [text.index(name) for name in worst["name"]]
    assert positions == sorted(positions)  # named, most people out of reach first
    assert format_count(worst["unreached"].iloc[0]) in text
    app = open_app(mode="briefing", group="disabled", slide="3")
    text = _text(app)
    assert "建议（下一轮）：共 30万元" in text
    assert "上一轮实际（2021年）" in text
    top = summary.townships.sort_values("funding_yuan", ascending=False).iloc[0]
    assert format_yuan(top["funding_yuan"]) in text


@pytest.mark.parametrize(
    ("lang", "label"), [("zh", "**来源日期**：2021-04-21"), ("en", "**Source date**: ")]
)
def test_the_data_page_labels_the_provenance_keys(lang: str, label: str) -> None:
    text = "\n".join(m.value for m in open_app(page="data", lang=lang).markdown)
    assert label in text
    assert "source_date" not in text and "boundary_note" not in text


def test_the_compare_page_names_the_gains_and_losses_geo_computes() -> None:
    comparison = compare(load_dataset(DEMO.parent / "suyu-2020"), load_dataset(DEMO))
    gains, losses = comparison.ranked_changes(3)
    app = open_app(page="compare")
    text = _text(app)
    for _, row in [*gains.iterrows(), *losses.iterrows()]:
        assert f"**{row['name']}**" in text
    assert "陆集街道" in "".join(losses["name"])  # the simulated closures of 2021
    metrics = _metrics(app)
    assert metrics["覆盖率"] == format_percent(comparison.totals()["coverage_new"]["all"])
    assert metrics["新增站点/组织"] == str(len(comparison.opened))
    assert metrics["撤销站点/组织"] == str(len(comparison.closed))
    table = app.dataframe[0].value
    assert len(table) == 12
    assert list(table["状态"].unique()) == ["两年都有"]


def test_the_overview_offers_data_driven_breaks_for_shares() -> None:
    app = open_app(page="overview")
    assert app.selectbox(key="breaks").value == "fixed"
    app.selectbox(key="breaks").set_value("natural_breaks").run()
    assert not app.exception
    app.selectbox(key="indicator").set_value("unreached").run()
    assert not any(s.key == "breaks" for s in app.selectbox)


def test_the_ranking_of_many_townships_shows_both_ends_only() -> None:
    import numpy as np
    import pandas as pd

    from dashboard.views.overview import RANKED_AT_EACH_END, _ranked_rows

    few = pd.Series([0.3, 0.1, 0.2], index=["a", "b", "c"])
    assert list(_ranked_rows(few)) == ["a", "b", "c"]
    many = pd.Series(np.arange(100, dtype=float)[::-1], index=[f"t{i}" for i in range(100)])
    many.iloc[0] = np.nan  # no value: ranked lowest, as the chart draws it
    shown = list(_ranked_rows(many))
    assert len(shown) == 2 * RANKED_AT_EACH_END
    assert shown[0] == "t0" and shown[1] == "t99"  # the lowest first
    assert shown[-1] == "t1"  # the highest (98) last
