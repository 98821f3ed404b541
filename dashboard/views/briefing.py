"""Briefing mode (``?mode=briefing``): a four-slide deck for one 1920x1080 projector screen.

1. The district map with the key figures and their change since last year.
2. Where it is worst: the townships with the most people out of reach, named.
3. The recommended split of the next funding round, next to last round's actual.
4. What changed since last year.

``?slide=N`` opens a slide; the arrow keys (or Page Up/Down, space) and the buttons turn the
page; the numbered links at the bottom point to each slide. The groups shown are named on
every slide; site markers stay off so that the choropleth reads from the back of the room.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import loader, state, widgets
from dashboard.loader import ViewParameters
from geo.compare import Comparison
from geo.indicators import format_change_pp as pp
from geo.maps.change import build_change_map
from geo.maps.views import MapView, build_layered_map
from geo.privacy import PROTECTED, district_shown, public_townships
from geo.selection import district_kpis
from geo.summary import Summary
from geo.text.i18n import format_count, format_percent, format_yuan, t

SLIDES = 4
WORST_COUNT = 5
MAP_HEIGHT = 780
SLIDE_KEY = "slide"

_CSS = """
<style>
.deck-sub { font-size: 1.45rem; color: #374151; margin: -0.5rem 0 0.2rem 0; }
.deck-sub .demo { color: #92400e; }
.deck-sub .edition.public { color: #1d4ed8; }
.deck-sub .edition.internal { color: #b45309; }
.deck-card { background: #f5f7fa; border-left: 10px solid #2c7fb8; border-radius: 8px;
    padding: 0.55rem 1.1rem; margin-bottom: 0.7rem; }
.deck-card.loss { border-left-color: #b2182b; }
.deck-card.gain { border-left-color: #2166ac; }
.deck-card .name { font-size: 2.1rem; font-weight: 700; line-height: 1.2; }
.deck-card .name .rank { color: #6b7280; margin-right: 0.5rem; }
.deck-card .line { font-size: 1.5rem; color: #1f2937; }
.deck-card .big { font-size: 3.4rem; font-weight: 700; line-height: 1.1; }
.deck-table { width: 100%; border-collapse: collapse; font-size: 1.3rem; }
.deck-table th { text-align: right; color: #374151; border-bottom: 2px solid #9ca3af;
    padding: 0.15rem 0.4rem; }
.deck-table td { text-align: right; padding: 0.12rem 0.4rem; border-bottom: 1px solid #e5e7eb; }
.deck-table th:first-child, .deck-table td:first-child { text-align: left; }
.deck-table td.rec { font-weight: 700; color: #54278f; }
.deck-note { font-size: 1.15rem; color: #4b5563; margin-top: 0.4rem; }
.deck-h { font-size: 1.7rem; font-weight: 700; margin: 0.2rem 0 0.4rem 0; }
.deck-nav { font-size: 1.25rem; display: flex; gap: 1.2rem; align-items: center;
    justify-content: center; }
.deck-nav a { color: #2563eb; text-decoration: none; padding: 0 0.35rem; }
.deck-nav a.here { color: #111827; font-weight: 700; border-bottom: 3px solid #2563eb; }
.deck-nav .hint, .deck-nav a.exit { color: #9ca3af; }
[data-testid="stMetricDelta"] svg { display: none; }
</style>
"""

# Turn the page with the keyboard: a click on the (hidden-label) previous/next button.
_KEYS = """
<script>
(function () {
  if (window.__atlasDeckKeys) { return; }
  window.__atlasDeckKeys = true;
  document.addEventListener('keydown', function (event) {
    var tag = (event.target && event.target.tagName) || '';
    if (tag === 'INPUT' || tag === 'TEXTAREA' || event.altKey || event.ctrlKey) { return; }
    var which = null;
    if (['ArrowRight', 'PageDown', ' '].indexOf(event.key) >= 0) { which = 'next'; }
    if (['ArrowLeft', 'PageUp'].indexOf(event.key) >= 0) { which = 'prev'; }
    if (!which) { return; }
    var button = document.querySelector('.st-key-deck_' + which + ' button');
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
})();
</script>
"""


def current_slide() -> int:
    """The slide to show: the session's, else ``?slide=`` (1 when absent or out of range)."""
    if SLIDE_KEY not in st.session_state:
        raw = st.query_params.get(SLIDE_KEY, "1")
        st.session_state[SLIDE_KEY] = int(raw) if raw.isdigit() and 1 <= int(raw) <= SLIDES else 1
    return int(st.session_state[SLIDE_KEY])


def _turn(step: int) -> None:
    slide = min(max(current_slide() + step, 1), SLIDES)
    st.session_state[SLIDE_KEY] = slide
    state.sync_param(SLIDE_KEY, None if slide == 1 else str(slide))


def slide_href(slide: int) -> str:
    """The link to ``slide``, keeping the other view parameters (groups, language)."""
    params = {k: v for k, v in st.query_params.to_dict().items() if k != SLIDE_KEY}
    params["mode"] = "briefing"
    if slide > 1:
        params[SLIDE_KEY] = str(slide)
    return "./?" + urlencode(params)


def render() -> None:
    """The deck: header, the current slide, and the navigation."""
    lang = state.lang()
    cur = state.current()
    groups = state.selected_groups()
    summary = state.summary(ViewParameters.of(groups))
    comparison = state.comparison(groups)
    slide = current_slide()
    st.html(_CSS)
    st.html(_KEYS, unsafe_allow_javascript=True)
    titles = ("deck.s1.title", "deck.s2.title", "deck.s3.title", "deck.s4.title")
    st.title(t(titles[slide - 1], lang) + " · " + widgets.plain(_district(cur.dataset.name)))
    _subtitle(summary, lang)
    (_slide_overview, _slide_worst, _slide_funding, _slide_changes)[slide - 1](
        summary, comparison, lang
    )
    _navigation(slide, lang)


def _district(name: str) -> str:
    """The dataset's name without a trailing note in brackets (the subtitle says "demo")."""
    for bracket in ("（", "("):
        if bracket in name:
            return name.split(bracket)[0].strip() or name
    return name


def _subtitle(summary: Summary, lang: str) -> None:
    dataset = summary.dataset
    named = widgets.groups_text(summary.groups, dataset, lang)
    text = escape(t("deck.groups", lang, groups=named))
    if dataset.demo:
        text += f" · <span class='demo'>{escape(t('demo.short', lang))}</span>"
    edition = "public" if summary.public else "internal"
    text += (
        f" · <span class='edition {edition}'>{escape(t(f'edition.{edition}_short', lang))}</span>"
    )
    st.markdown(f"<div class='deck-sub'>{text}</div>", unsafe_allow_html=True)


def _view(lang: str, indicator: str) -> MapView:
    return MapView(
        indicator=indicator,
        lang=lang,
        briefing=True,
        show_sites=False,
        asset_base=loader.leaflet_asset_base(),
        data_url=loader.map_data_url,
    )


def _two_columns() -> tuple[object, object]:
    return st.columns([13, 7], gap="medium")


# --- slide 1: the district map and the key figures --------------------------------------------


def _slide_overview(summary: Summary, comparison: Comparison | None, lang: str) -> None:
    left, right = _two_columns()
    with left:
        widgets.show_map(build_layered_map(summary, _view(lang, "coverage")), key="deck_map_1",
                         height=MAP_HEIGHT)  # fmt: skip
    kpis = district_kpis(summary)
    texts = widgets.district_texts(summary, lang)
    change = comparison.townships if comparison is not None else None
    totals = comparison.totals() if comparison is not None else None
    coverage_delta = (
        t("deck.change_since", lang, change=pp(totals["coverage_change_pp"]["all"], lang))
        if totals is not None and comparison is not None and _both_shown(comparison, "coverage")
        else None
    )
    unreached_delta = None
    sites_delta = t(
        "kpi.sites_split", lang, organizations=kpis.organizations, stations=kpis.stations
    )
    if change is not None and comparison is not None:
        was = float(change["unreached_old"].sum())
        if _both_shown(comparison, "unreached") and change["unreached_old"].notna().all():
            unreached_delta = t("deck.count_since", lang, change=f"{kpis.unreached - was:+,.0f}")
        sites_delta = t(
            "deck.sites_since", lang, opened=len(comparison.opened), closed=len(comparison.closed)
        )
    funding_label = (
        t("kpi.funding", lang, year=kpis.funding_year)
        if kpis.funding_year
        else t("kpi.funding_any", lang)
    )
    tiles = [
        (t("kpi.coverage", lang), texts["coverage"], coverage_delta, "normal"),
        (t("kpi.unreached", lang), texts["unreached"], unreached_delta, "inverse"),
        (t("kpi.sites", lang), format_count(kpis.organizations + kpis.stations, lang),
         sites_delta, "off"),
        (funding_label, format_yuan(kpis.funding_yuan, lang),
         t("kpi.projects_one" if kpis.projects == 1 else "kpi.projects", lang, n=kpis.projects),
         "off"),
    ]  # fmt: skip
    with right:
        for label, value, delta, colour in tiles:
            st.metric(label, value, delta=delta, delta_color=colour)


# --- slide 2: where it is worst ---------------------------------------------------------------


def _both_shown(comparison: Comparison, figure: str) -> bool:
    """Whether both years' district ``figure`` may be read (always, internally)."""
    return district_shown(comparison.old)[figure] and district_shown(comparison.new)[figure]


def worst_townships(summary: Summary, count: int = WORST_COUNT) -> pd.DataFrame:
    """The ``count`` townships with the most people out of reach (ties: lower coverage first),
    leaving out townships where nobody is. The public edition names only townships whose
    count it shows, with their figures as it shows them ("<k", "*")."""
    table = summary.townships[summary.townships["unreached"] > 0]
    if summary.disclosure is not None:
        exact = summary.disclosure.townships["unreached"].reindex(table.index).fillna(False)
        table = table[exact.astype(bool)]
    ordered = table.assign(_cov=table["coverage"].fillna(0)).sort_values(
        ["unreached", "_cov"], ascending=[False, True], kind="stable"
    )
    worst = ordered.drop(columns="_cov").head(count)
    if summary.disclosure is not None:
        return public_townships(summary, summary.disclosure).loc[worst.index]
    return worst


def _slide_worst(summary: Summary, comparison: Comparison | None, lang: str) -> None:
    del comparison  # this slide is about this year only
    left, right = _two_columns()
    with left:
        widgets.show_map(build_layered_map(summary, _view(lang, "unreached")), key="deck_map_2",
                         height=MAP_HEIGHT)  # fmt: skip
    worst = worst_townships(summary)
    cards = [
        "<div class='deck-card loss'>"
        f"<div class='name'><span class='rank'>{rank}</span>{escape(str(row['name']))}</div>"
        "<div class='line'>"
        + escape(
            t(
                "deck.s2.line",
                lang,
                unreached=widgets.figure_text(row["unreached"], lambda v: format_count(v, lang)),
                coverage=widgets.figure_text(row["coverage"], format_percent),
                people=widgets.figure_text(row["people"], lambda v: format_count(v, lang)),
            )
        )
        + "</div></div>"
        for rank, (_, row) in enumerate(worst.iterrows(), start=1)
    ]
    if summary.disclosure is not None:  # the ranking leaves out the townships it cannot show
        withheld = int((~summary.disclosure.townships["unreached"]).sum())
        if withheld:
            note = escape(t("deck.s2.withheld", lang, n=withheld))
            cards.append(f"<div class='deck-note'>{note}</div>")
    with right:
        lead = escape(t("deck.s2.lead", lang, n=len(worst)))
        st.markdown(f"<div class='deck-h'>{lead}</div>" + "".join(cards), unsafe_allow_html=True)


# --- slide 3: the recommended funding split ---------------------------------------------------


def _slide_funding(summary: Summary, comparison: Comparison | None, lang: str) -> None:
    del comparison
    left, right = _two_columns()
    with left:
        widgets.show_map(build_layered_map(summary, _view(lang, "funding_yuan")), key="deck_map_3",
                         height=MAP_HEIGHT)  # fmt: skip
    table = summary.townships.sort_values("funding_yuan", ascending=False, kind="stable")
    kpis = district_kpis(summary)
    actual_total = float(table["projects_yuan"].sum())
    actual = (
        t("deck.s3.actual", lang, year=kpis.funding_year, amount=format_yuan(actual_total, lang))
        if kpis.funding_year
        else t("deck.s3.actual_any", lang, amount=format_yuan(actual_total, lang))
    )
    recommended = t("deck.s3.recommended", lang, budget=format_yuan(summary.budget_yuan, lang))
    withheld = summary.disclosure is not None and not summary.disclosure.funding

    def rec(value: float) -> str:
        return PROTECTED if withheld else format_yuan(value, lang)

    rows = "".join(
        f"<tr><td>{escape(str(row['name']))}</td>"
        f"<td class='rec'>{escape(rec(row['funding_yuan']))}</td>"
        f"<td>{escape(format_yuan(row['projects_yuan'], lang))}</td></tr>"
        for _, row in table.iterrows()
    )
    head = (
        f"<tr><th>{escape(t('compare.col.name', lang))}</th>"
        f"<th>{escape(t('deck.s3.col.recommended', lang))}</th>"
        f"<th>{escape(t('deck.s3.col.actual', lang))}</th></tr>"
    )
    with right:
        st.markdown(
            f"<div class='deck-h' style='color:#54278f'>{escape(recommended)}</div>"
            f"<div class='deck-h' style='color:#4b5563;font-weight:400'>{escape(actual)}</div>"
            f"<table class='deck-table'>{head}{rows}</table>"
            f"<div class='deck-note'>{escape(t('deck.s3.basis', lang))}</div>",
            unsafe_allow_html=True,
        )


# --- slide 4: what changed since last year ----------------------------------------------------


def _slide_changes(summary: Summary, comparison: Comparison | None, lang: str) -> None:
    if comparison is None:
        st.markdown(f"<div class='deck-h'>{escape(t('deck.s4.none', lang))}</div>",
                    unsafe_allow_html=True)  # fmt: skip
        return
    del summary
    left, right = _two_columns()
    with left:
        view = MapView(lang=lang, briefing=True, asset_base=loader.leaflet_asset_base())
        widgets.show_map(build_change_map(comparison, view), key="deck_map_4", height=MAP_HEIGHT)
    totals = comparison.totals()

    def shown_pct(side: str, key: str) -> str:
        year = comparison.old if side == "old" else comparison.new
        return format_percent(totals[key]["all"]) if district_shown(year)["coverage"] else "*"

    both = _both_shown(comparison, "coverage")
    change = pp(totals["coverage_change_pp"]["all"], lang) if both else PROTECTED
    years = t(
        "compare.years",
        lang,
        old=_year(comparison, "old"),
        new=_year(comparison, "new"),
    )
    headline = (
        "<div class='deck-card'>"
        f"<div class='line'>{escape(t('kpi.coverage', lang))} {escape(years)}</div>"
        f"<div class='big'>{shown_pct('old', 'coverage_old')} → "
        f"{shown_pct('new', 'coverage_new')}</div>"
        f"<div class='line'>{escape(change)} · "
        + escape(
            t(
                "deck.sites_since",
                lang,
                opened=len(comparison.opened),
                closed=len(comparison.closed),
            )
        )
        + "</div></div>"
    )
    gains, losses = comparison.ranked_changes(3)
    parts = [headline]
    for key, rows, css, empty in (
        ("compare.gains", gains, "gain", "compare.no_gains"),
        ("compare.losses", losses, "loss", "compare.no_losses"),
    ):
        parts.append(f"<div class='deck-h'>{escape(t(key, lang))}</div>")
        if rows.empty:
            parts.append(f"<div class='deck-note'>{escape(t(empty, lang))}</div>")
        parts += [
            f"<div class='deck-card {css}'><div class='line'>"
            + t(
                "compare.rank_line",
                lang,
                name=f"<b>{escape(str(row['name']))}</b>",
                old=format_percent(row["coverage_old"]),
                new=format_percent(row["coverage_new"]),
                change=escape(pp(row["coverage_change_pp"], lang)),
            )
            + "</div></div>"
            for _, row in rows.iterrows()
        ]
    with right:
        st.markdown("".join(parts), unsafe_allow_html=True)


def _year(comparison: Comparison, side: str) -> str:
    dataset = (comparison.old if side == "old" else comparison.new).dataset
    year = dataset.metadata.get("year")
    return str(year) if year else dataset.name


# --- navigation -------------------------------------------------------------------------------


def _navigation(slide: int, lang: str) -> None:
    prev, links, after = st.columns([2, 8, 2], vertical_alignment="center")
    prev.button(t("deck.prev", lang), key="deck_prev", on_click=_turn, args=(-1,),
                disabled=slide == 1, width="stretch")  # fmt: skip
    after.button(t("deck.next", lang), key="deck_next", on_click=_turn, args=(1,),
                 disabled=slide == SLIDES, width="stretch")  # fmt: skip
    numbered = " ".join(
        f"<a href='{escape(slide_href(n))}' target='_self' class='{'here' if n == slide else ''}'>"
        f"{n}</a>"
        for n in range(1, SLIDES + 1)
    )
    kept = {"lang": "en"} if lang == "en" else {}
    if state.public_asked():  # a new session from this link must stay in the public view
        kept["view"] = "public"
    exit_link = "./?" + urlencode(kept) if kept else "./"
    links.markdown(
        f"<div class='deck-nav'>{numbered}<span class='hint'>{escape(t('deck.keys', lang))}</span>"
        f"<a class='exit' href='{exit_link}' target='_self'>"
        f"{escape(t('app.briefing_exit', lang))}</a></div>",
        unsafe_allow_html=True,
    )
