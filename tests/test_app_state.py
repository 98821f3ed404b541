"""AppTest: the planner's choices (groups, township, radii) follow every page change and the
URL, and a siting link restores its whole scenario in a new session."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from geo.io.load import load_dataset
from geo.selection import unreached_villages
from geo.siting import suggest_sites
from geo.summary import summarize

DEMO = Path(__file__).resolve().parent.parent / "data" / "suyu"
PAGES = ("overview", "coverage", "funding", "siting", "data")


def go(app: AppTest, page: str) -> AppTest:
    """A click on a page in the sidebar's navigation (a page's hash is that of its URL path)."""
    app._page_hash = calc_hash(page)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_chosen_groups_survive_every_page_change() -> None:
    app = open_app(page="coverage")
    app.multiselect(key="groups").set_value(["children_left_behind", "disabled"]).run()
    app.selectbox(key="township").set_value("321311113").run()
    app.number_input(key="radius_disabled").set_value(2500).run()
    chosen = ["children_left_behind", "disabled"]
    for page in (*PAGES, "coverage", "siting", "overview", "funding", "coverage"):
        go(app, page)
        assert app.query_params["group"] == "children_left_behind,disabled", page
        assert app.query_params["township"] == "321311113", page
        assert app.query_params["radius"] == "disabled:2500", page
        if page != "data":
            assert app.multiselect(key="groups").value == chosen, page
    assert app.selectbox(key="township").value == "321311113"
    assert app.number_input(key="radius_disabled").value == 2500


def test_the_siting_page_says_which_chosen_group_it_plans_for() -> None:
    app = open_app(page="overview")
    app.multiselect(key="groups").set_value(["children_left_behind", "disabled"]).run()
    go(app, "siting")
    picker = app.selectbox(key="siting_group")
    assert picker.options == ["留守儿童", "残疾人"] and picker.value == "children_left_behind"
    assert "所选 2 个之一" in picker.label
    picker.set_value("disabled").run()
    assert app.query_params["site_group"] == "disabled"
    go(app, "funding")
    assert "site_group" not in app.query_params  # the siting scenario belongs to its page
    assert app.query_params["group"] == "children_left_behind,disabled"
    go(app, "siting")
    assert app.selectbox(key="siting_group").value == "disabled"


def test_one_chosen_group_is_named_on_the_siting_page() -> None:
    app = open_app(page="siting", group="disabled")
    assert "siting_group" not in [box.key for box in app.selectbox]
    assert any("选址针对：残疾人" in c.value for c in app.sidebar.caption)


def test_clearing_the_groups_means_all_and_says_so() -> None:
    app = open_app(page="funding", group="disabled")
    box = app.multiselect(key="groups")
    box.set_value([]).run()
    assert app.multiselect(key="groups").placeholder == "全部群体"
    assert "group" not in app.query_params


def test_a_siting_link_restores_the_whole_scenario() -> None:
    app = open_app(page="siting", group="disabled")
    app.number_input(key="siting_k").set_value(5).run()
    app.number_input(key="siting_radius_disabled").set_value(1800).run()
    app.number_input(key="whatif_lon").set_value(118.30).run()
    app.number_input(key="whatif_lat").set_value(33.95).run()
    app.button(key="whatif_add").click().run()
    link = dict(app.query_params)
    assert link["k"] == "5" and link["r"] == "1800"
    assert link["stations"] == "118.300000,33.950000"
    table = app.dataframe[0].value

    fresh = open_app(**link)  # a colleague opens the link: a new session
    assert fresh.number_input(key="siting_k").value == 5
    assert fresh.number_input(key="siting_radius_disabled").value == 1800
    assert fresh.dataframe[0].value.equals(table)
    assert any("H1" in m.value or "假1" in m.value for m in fresh.markdown)
    expected = suggest_sites(load_dataset(DEMO), "disabled", 5, radius_m=1800)
    assert list(table["候选点编号"]) == list(expected.suggestions["candidate_id"])


def test_a_minutes_link_restores_mode_and_minutes() -> None:
    app = open_app(page="siting")
    app.radio(key="siting_reach").set_value("minutes").run()
    app.selectbox(key="siting_mode").set_value("ebike").run()
    group = "elders_left_behind"
    app.number_input(key=f"siting_minutes_{group}_ebike").set_value(12).run()
    link = dict(app.query_params)
    assert (link["reach"], link["mode"], link["min"]) == ("minutes", "ebike", "12")
    fresh = open_app(**link)
    assert fresh.radio(key="siting_reach").value == "minutes"
    assert fresh.selectbox(key="siting_mode").value == "ebike"
    assert fresh.number_input(key=f"siting_minutes_{group}_ebike").value == 12


@pytest.mark.parametrize("township", ["321311108", None])
def test_the_unreached_list_is_the_red_villages(township: str | None) -> None:
    params = {"page": "coverage", "group": "children_left_behind"}
    if township:
        params["township"] = township
    app = open_app(**params)
    summary = summarize(load_dataset(DEMO), groups=["children_left_behind"])
    expected = unreached_villages(summary, township)
    shown = next(d.value for d in app.dataframe if "最近的服务点位" in d.value.columns)
    assert list(shown["村居编号"]) == list(expected["id"].astype(str))
    assert list(shown["最近的服务点位"]) == list(expected["site_name"])
    labels = [d.label for d in app.get("download_button")]
    assert "下载 CSV" in labels and "下载 Excel" in labels


def test_a_township_where_everyone_is_reached_says_so() -> None:
    # 顺河街道: every left-behind child of the demo (on the district's real outline) is reached
    app = open_app(page="coverage", group="children_left_behind", township="321311001")
    assert any("都已覆盖" in c.value for c in app.caption)


def test_the_siting_map_and_township_sheet_can_be_downloaded() -> None:
    app = open_app(page="siting", group="disabled")
    labels = [d.label for d in app.get("download_button")]
    assert "地图（PNG）" in labels and "地图（PDF）" in labels
    app = open_app(page="coverage", township="321311108")
    assert "乡镇一页纸（PDF）" in [d.label for d in app.get("download_button")]


def test_tianditu_without_a_key_says_so_where_it_is_picked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    app = open_app(page="overview")
    assert not any("TIANDITU_KEY" in c.value for c in app.sidebar.caption)
    app.selectbox(key="basemap").set_value("tianditu").run()
    assert any("管理员" in w.value for w in app.sidebar.warning)
    go(app, "coverage")  # the choice, like the others, stays
    assert app.selectbox(key="basemap").value == "tianditu"
