"""年度对比 Year on year: the change of coverage per township on a diverging map, the sites
opened and closed, the biggest gains and losses named, and the tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import loader, state, widgets
from geo.compare import Comparison
from geo.indicators import format_change_pp as pp
from geo.maps.change import build_change_map
from geo.maps.views import MapView
from geo.privacy import PROTECTED, district_shown
from geo.text.i18n import format_count, format_percent, t

TABLE_COLUMNS = (
    "name", "status", "coverage_old", "coverage_new", "coverage_change_pp", "unreached_new",
    "sites_opened", "sites_closed", "funding_yuan_old", "funding_yuan_new",
)  # fmt: skip


def kpis(comparison: Comparison, lang: str) -> None:
    """Coverage and people out of reach now with their change, sites opened and closed."""
    totals = comparison.totals()
    table = comparison.townships
    unreached_old, unreached_new = table["unreached_old"].sum(), table["unreached_new"].sum()
    old, new = district_shown(comparison.old), district_shown(comparison.new)
    coverage = (
        format_percent(totals["coverage_new"]["all"]),
        pp(totals["coverage_change_pp"]["all"], lang),
    )
    unreached = (format_count(unreached_new, lang), f"{unreached_new - unreached_old:+,.0f}")
    # the public view (geo.privacy.public_comparison): a figure or change that a year keeps
    if not new["coverage"]:
        coverage = (PROTECTED, None)
    elif not old["coverage"]:
        coverage = (coverage[0], None)
    if not new["unreached"] or table["unreached_new"].isna().any():
        unreached = (PROTECTED, None)
    elif not old["unreached"] or table["unreached_old"].isna().any():
        unreached = (unreached[0], None)
    tiles = [
        (t("compare.kpi.coverage", lang), *coverage, "normal"),
        (t("compare.kpi.unreached", lang), *unreached, "inverse"),
        (
            t("compare.kpi.opened", lang),
            format_count(len(comparison.opened), lang),
            t("compare.kpi.moved", lang, n=len(comparison.moved)),
            "off",
        ),
        (t("compare.kpi.closed", lang), format_count(len(comparison.closed), lang), None, "off"),
    ]
    for column, (label, value, delta, colour) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(
            label,
            value,
            delta=delta,
            delta_color=colour,
            delta_arrow="auto" if colour != "off" else "off",
        )


def ranked(comparison: Comparison, lang: str) -> None:
    """The townships with the biggest gains and losses, named with their figures."""
    gains, losses = comparison.ranked_changes(3)
    for column, key, rows, empty in zip(
        st.columns(2), ("compare.gains", "compare.losses"), (gains, losses),
        ("compare.no_gains", "compare.no_losses"), strict=True,
    ):  # fmt: skip
        with column:
            st.subheader(t(key, lang))
            if rows.empty:
                st.write(t(empty, lang))
            for _, row in rows.iterrows():
                st.markdown(
                    "- "
                    + t(
                        "compare.rank_line",
                        lang,
                        name=f"**{row['name']}**",
                        old=format_percent(row["coverage_old"]),
                        new=format_percent(row["coverage_new"]),
                        change=pp(row["coverage_change_pp"], lang),
                    )
                )


def township_table(comparison: Comparison, lang: str) -> pd.DataFrame:
    """The township table with readable headings and statuses."""
    table = comparison.townships[list(TABLE_COLUMNS)].copy()
    table["status"] = table["status"].map(lambda s: t(f"compare.status.{s}", lang))
    table["coverage_change_pp"] = table["coverage_change_pp"].round(1) + 0.0  # no -0.0
    return table.rename(columns={c: t(f"compare.col.{c}", lang) for c in table.columns})


def sites_table(comparison: Comparison, lang: str) -> pd.DataFrame:
    """One row per site opened, closed or moved."""
    rows = []
    for key, ids, dataset in (
        ("opened", comparison.opened, comparison.new.dataset),
        ("closed", comparison.closed, comparison.old.dataset),
        ("moved", comparison.moved, comparison.new.dataset),
    ):
        names = dataset.townships.set_index("code")["name"]
        sites = dataset.sites.drop_duplicates("id").set_index("id")
        for site_id in ids:
            site = sites.loc[site_id]
            rows.append(
                {
                    "id": site_id,
                    t("compare.col.site", lang): site["name"],
                    t("compare.col.township", lang): names.get(site["township"], "—"),
                    t("compare.col.change", lang): t(f"compare.site.{key}", lang),
                    t("compare.col.move_m", lang): (
                        round(float(comparison.move_m[site_id])) if key == "moved" else None
                    ),
                }
            )
    return pd.DataFrame(rows)


def render() -> None:
    """The year-on-year page."""
    lang = state.lang()
    cur = state.current()
    groups = widgets.group_picker(cur.dataset, lang)
    basemap = widgets.basemap_picker(lang)
    st.title(t("compare.title", lang) + " · " + widgets.plain(cur.dataset.name))
    widgets.demo_notice(cur.dataset, lang)
    comparison = state.comparison(groups)
    if comparison is None:
        st.info(t("compare.none", lang))
        return
    st.caption(
        t(
            "compare.years",
            lang,
            old=widgets.plain(comparison.old.dataset.name),
            new=widgets.plain(comparison.new.dataset.name),
        )
        + " · "
        + t(
            "deck.groups",
            lang,
            groups=widgets.groups_text(comparison.new.groups, cur.dataset, lang),
        )
    )
    left_out = [*comparison.left_out["old_only"], *comparison.left_out["new_only"]]
    if left_out:
        st.caption(t("compare.left_out", lang, groups="、".join(left_out)))
    kpis(comparison, lang)
    view = MapView(
        lang=lang,
        basemap=basemap,
        tianditu_key=widgets.tianditu_key(),
        asset_base=loader.leaflet_asset_base(),
    )
    widgets.show_map(build_change_map(comparison, view), key="compare_map", height=620)
    ranked(comparison, lang)
    st.subheader(t("compare.table", lang))
    widgets.show_table(
        township_table(comparison, lang),
        percent=[t("compare.col.coverage_old", lang), t("compare.col.coverage_new", lang)],
    )
    changed = sites_table(comparison, lang)
    if not changed.empty:
        st.subheader(t("compare.sites_table", lang))
        widgets.show_table(changed, max_rows=12)
