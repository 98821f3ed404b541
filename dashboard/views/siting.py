"""选址建议 Siting: suggested stations for a group, and "what if a station stood here?".

Hypothetical stations live in ``st.session_state`` only (never in the dataset); each one
remembers the dataset token and the group it was added for.
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import downloads, loader, state, widgets
from geo.access import group_sites
from geo.dataset import Dataset
from geo.errors import DatasetError, Problem
from geo.export.plans import siting_figure
from geo.export.tables import report_table, suggestion_table
from geo.io.candidates import read_candidates
from geo.io.datum import to_wgs84
from geo.maps.plans import PlanView, build_siting_map
from geo.maps.webmap import display_datum
from geo.planning import WhatIf
from geo.siting import SitingResult
from geo.text.i18n import format_count, format_number, format_percent, format_score, t
from geo.travel import DEFAULT_DETOUR, TRAVEL_MODES, metres_to_minutes, minutes_to_metres

MAP_KEY = "siting_map"
STATIONS_KEY = "whatif_stations"
COUNTER_KEY = "whatif_counter"
CLICK_KEY = "whatif_last_click"
CANDIDATES_KEY = "siting_candidates"
CANDIDATES_SEEN_KEY = "siting_candidates_seen"
CANDIDATES_REPORT_KEY = "siting_candidates_report"
GROUP_KEY = "kept.siting_group"
DEFAULT_K = 3
DATUM_NAMES = {"wgs84": "WGS-84", "cgcs2000": "CGCS2000", "gcj02": "GCJ-02", "bd09": "BD-09"}


# --- sidebar ---------------------------------------------------------------------------------


def _group_choice(dataset: Dataset, lang: str) -> str:
    """The one group the page plans for: one of the groups chosen in the sidebar."""
    chosen = state.selected_groups()
    names = {c: dataset.group(c).display(lang) for c in chosen}

    def initial() -> str:
        wanted = st.query_params.get("site_group", "")
        return wanted if wanted in chosen else chosen[0]

    if state.kept(GROUP_KEY, initial) not in chosen:
        state.keep(GROUP_KEY, chosen[0])
    if len(chosen) == 1:
        st.sidebar.caption(t("siting.group_only", lang, group=names[chosen[0]]))
        return chosen[0]
    st.sidebar.selectbox(
        t("siting.group", lang, n=len(chosen)),
        list(chosen),
        format_func=names.__getitem__,
        help=t("siting.group_help", lang),
        **state.bind("siting_group", GROUP_KEY, initial),
    )
    return str(st.session_state[GROUP_KEY])


def _from_url(name: str, allowed: Callable[[float], bool], default: float) -> float:
    """A number of the siting scenario from the URL, or ``default`` when absent or invalid."""
    try:
        value = float(st.query_params.get(name, ""))
    except ValueError:
        return default
    return value if math.isfinite(value) and allowed(value) else default


def _count(lang: str) -> int:
    def initial() -> int:
        return int(_from_url("k", lambda v: v == int(v) and 1 <= v <= 50, DEFAULT_K))

    st.sidebar.number_input(
        t("siting.count", lang),
        min_value=1,
        max_value=50,
        step=1,
        **state.bind("siting_k", "kept.siting_k", initial),
    )
    return int(st.session_state["kept.siting_k"])


def _reach_metres(dataset: Dataset, group: str, lang: str) -> float:
    """The catchment of a new station, typed in metres or as minutes by a travel mode."""
    url_group = st.query_params.get("site_group", state.selected_groups()[0])
    from_url = url_group == group  # the URL's reach is about its group only

    def initial_reach() -> str:
        return "minutes" if st.query_params.get("reach") == "minutes" else "radius"

    def initial_mode() -> str:
        mode = st.query_params.get("mode", "")
        return mode if mode in TRAVEL_MODES else next(iter(TRAVEL_MODES))

    kind = st.sidebar.radio(
        t("siting.reach", lang),
        ["radius", "minutes"],
        format_func=lambda k: t(f"siting.reach.{k}", lang),
        horizontal=True,
        **state.bind("siting_reach", "kept.siting_reach", initial_reach),
    )
    mode = st.sidebar.selectbox(
        t("siting.mode", lang),
        list(TRAVEL_MODES),
        format_func=lambda m: TRAVEL_MODES[m].display(lang),
        **state.bind("siting_mode", "kept.siting_mode", initial_mode),
    )
    speed = format_number(TRAVEL_MODES[mode].speed_kmh, decimals=1).removesuffix(".0")
    default = state.selected_radii().get(group, dataset.group(group).radius_m)
    if kind == "radius":
        key = f"siting_radius_{group}"
        start = _from_url("r", lambda v: 100 <= v <= 30000, default) if from_url else default
        st.sidebar.number_input(
            t("siting.radius", lang),
            min_value=100,
            max_value=30000,
            step=100,
            **state.bind(key, f"kept.{key}", lambda: int(start)),
        )
        metres = float(st.session_state[f"kept.{key}"])
        minutes = format_number(metres_to_minutes(metres, mode=mode), decimals=0)
        note = t(
            "siting.radius_note",
            lang,
            minutes=minutes,
            mode=_mode_name(mode, lang),
            speed=speed,
            detour=DEFAULT_DETOUR,
        )
    else:
        key = f"siting_minutes_{group}_{mode}"  # each mode starts at the group radius
        start = max(1, round(metres_to_minutes(default, mode=mode)))
        if from_url and st.query_params.get("mode", mode) == mode:
            start = int(_from_url("min", lambda v: v == int(v) and 1 <= v <= 180, start))
        st.sidebar.number_input(
            t("siting.minutes", lang),
            min_value=1,
            max_value=180,
            step=1,
            **state.bind(key, f"kept.{key}", lambda: start),
        )
        minutes_in = int(st.session_state[f"kept.{key}"])
        metres = float(round(minutes_to_metres(minutes_in, mode=mode)))
        note = t(
            "siting.minutes_note",
            lang,
            minutes=minutes_in,
            mode=_mode_name(mode, lang),
            metres=format_number(metres),
            speed=speed,
            detour=DEFAULT_DETOUR,
        )
    st.sidebar.caption(note)
    return metres


def _mode_name(mode: str, lang: str) -> str:
    name = TRAVEL_MODES[mode].display(lang)
    return name if lang == "zh" else name.lower()


def _candidate_file(name: str, data: bytes, dataset: Dataset) -> gpd.GeoDataFrame:
    """Read an uploaded candidate list (raises ``DatasetError`` with every problem)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).name or "candidates.csv")
        path.write_bytes(data)
        return read_candidates(path, dataset)


def _candidates(cur: state.Current, lang: str) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """The uploaded candidate list in use (None: the villages) and its cache token."""
    with st.sidebar.expander(t("siting.candidates", lang)):
        datum = DATUM_NAMES.get(cur.dataset.coordinates, cur.dataset.coordinates)
        st.caption(t("siting.candidates_help", lang, datum=datum))
        upload = st.file_uploader(
            t("siting.candidates_upload", lang), type=["csv", "xlsx"], key="siting_candidates_file"
        )
    if upload is None:
        for key in (CANDIDATES_KEY, CANDIDATES_SEEN_KEY, CANDIDATES_REPORT_KEY):
            st.session_state.pop(key, None)
        return None, None
    data = upload.getvalue()
    seen = (cur.token, loader.token_for(upload.name.encode() + data))
    if st.session_state.get(CANDIDATES_SEEN_KEY) != seen:
        st.session_state[CANDIDATES_SEEN_KEY] = seen
        try:
            frame = _candidate_file(upload.name, data, cur.dataset)
        except DatasetError as error:
            st.session_state[CANDIDATES_REPORT_KEY] = list(error.problems)
        else:
            st.session_state[CANDIDATES_KEY] = (seen, upload.name, frame)
            st.session_state.pop(CANDIDATES_REPORT_KEY, None)
    kept = st.session_state.get(CANDIDATES_KEY)
    if kept is None or kept[0][0] != cur.token:
        return None, None
    return kept[2], f"{kept[0][1]}:{kept[1]}"


def _candidate_report(problems: list[Problem], lang: str) -> None:
    errors = [p for p in problems if p.severity == "error"]
    st.error(t("siting.candidates_failed", lang, n=len(errors) or len(problems)))
    st.dataframe(widgets.problems_frame(problems, lang), hide_index=True, width="stretch")


# --- hypothetical stations -------------------------------------------------------------------


def _stations(token: str, group: str | None) -> list[dict[str, object]]:
    """The hypothetical stations of this dataset for ``group`` (None: for every group)."""
    return [
        s
        for s in st.session_state.get(STATIONS_KEY, [])
        if s["token"] == token and group in (None, s["group"])
    ]


def _add_station(token: str, group: str, lon: float, lat: float) -> None:
    number = int(st.session_state.get(COUNTER_KEY, 0)) + 1
    st.session_state[COUNTER_KEY] = number
    station = {"n": number, "token": token, "group": group, "lon": lon, "lat": lat}
    st.session_state[STATIONS_KEY] = [*st.session_state.get(STATIONS_KEY, []), station]


def _remove_stations(numbers: list[int]) -> None:
    kept = [s for s in st.session_state.get(STATIONS_KEY, []) if s["n"] not in numbers]
    st.session_state[STATIONS_KEY] = kept


def _on_map_click(token: str, group: str, datum: str) -> None:
    """Map callback (before the rerun): a click adds a station where it landed."""
    value = st.session_state.get(MAP_KEY)
    click = value.get("last_clicked") if isinstance(value, dict) else None
    if not st.session_state.get("whatif_click", True) or not isinstance(click, dict):
        return
    if click == st.session_state.get(CLICK_KEY) or "lng" not in click or "lat" not in click:
        return
    st.session_state[CLICK_KEY] = click
    lon, lat = to_wgs84(float(click["lng"]), float(click["lat"]), datum)
    _add_station(token, group, round(float(lon), 6), round(float(lat), 6))


def _typed_station(cur: state.Current, group: str, lang: str) -> None:
    """Longitude and latitude inputs (in the dataset's datum) and an "add" button."""
    minx, miny, maxx, maxy = cur.dataset.townships.total_bounds
    left, right = st.columns(2)
    left.number_input(
        t("whatif.lon", lang),
        min_value=-180.0,
        max_value=180.0,
        value=round((minx + maxx) / 2, 4),
        step=0.001,
        format="%.5f",
        key="whatif_lon",
    )
    right.number_input(
        t("whatif.lat", lang),
        min_value=-90.0,
        max_value=90.0,
        value=round((miny + maxy) / 2, 4),
        step=0.001,
        format="%.5f",
        key="whatif_lat",
    )
    datum = cur.dataset.coordinates
    st.caption(t("whatif.datum", lang, datum=DATUM_NAMES.get(datum, datum)))
    st.button(
        t("whatif.add", lang),
        key="whatif_add",
        icon=":material/add_location_alt:",
        on_click=_add_typed_station,
        args=(cur.token, group, datum),
    )


def _add_typed_station(token: str, group: str, datum: str) -> None:
    """Button callback: a station at the typed coordinates (converted to WGS-84)."""
    lon, lat = st.session_state["whatif_lon"], st.session_state["whatif_lat"]
    wlon, wlat = to_wgs84(float(lon), float(lat), datum)
    _add_station(token, group, round(float(wlon), 6), round(float(wlat), 6))


def _capacity(dataset: Dataset, group: str, lang: str) -> float | None:
    known = group_sites(dataset, dataset.group(group))["capacity"].dropna()
    default = round(float(known.median())) if len(known) else 0
    if st.query_params.get("site_group", state.selected_groups()[0]) == group:
        default = int(_from_url("cap", lambda v: v == int(v) and 0 <= v <= 1_000_000, default))
    key = f"whatif_capacity_{group}"
    st.number_input(
        t("whatif.capacity", lang),
        min_value=0,
        max_value=1_000_000,
        step=10,
        help=t("whatif.capacity_help", lang),
        **state.bind(key, f"kept.{key}", lambda: default),
    )
    value = int(st.session_state[f"kept.{key}"])
    return float(value) if value > 0 else None


def _restore_stations(token: str, group: str) -> None:
    """The first time in a session: the hypothetical stations of a shared link
    (``?stations=lon,lat;lon,lat``, WGS-84) for the page's group."""
    if STATIONS_KEY in st.session_state:
        return
    st.session_state[STATIONS_KEY] = []
    for pair in st.query_params.get("stations", "").split(";"):
        lon, _, lat = pair.partition(",")
        try:
            x, y = float(lon), float(lat)
        except ValueError:
            continue
        if -180 <= x <= 180 and -90 <= y <= 90:
            _add_station(token, group, x, y)


def _sync_scenario(
    group: str, count: int, capacity: float | None, stations: list[dict[str, object]]
) -> None:
    """Write the page's scenario to the URL, so that a link restores it exactly."""
    chosen = state.selected_groups()
    reach = st.session_state["kept.siting_reach"]
    mode = st.session_state["kept.siting_mode"]
    state.sync_param("site_group", None if group == chosen[0] else group)
    state.sync_param("k", None if count == DEFAULT_K else str(count))
    state.sync_param("reach", None if reach == "radius" else reach)
    state.sync_param("mode", None if mode == next(iter(TRAVEL_MODES)) else mode)
    radius = st.session_state.get(f"kept.siting_radius_{group}")
    minutes = st.session_state.get(f"kept.siting_minutes_{group}_{mode}")
    state.sync_param("r", str(radius) if reach == "radius" and radius is not None else None)
    state.sync_param("min", str(minutes) if reach == "minutes" and minutes is not None else None)
    state.sync_param("cap", None if capacity is None else f"{capacity:g}")
    coords = ";".join(f"{float(s['lon']):.6f},{float(s['lat']):.6f}" for s in stations)
    state.sync_param("stations", coords or None)


# --- what the page shows ---------------------------------------------------------------------


def _siting_kpis(result: SitingResult, lang: str) -> None:
    demand = result.demand
    before = result.covered_before / demand if demand > 0 else math.nan
    after = result.covered_after / demand if demand > 0 else math.nan
    gain = result.covered_after - result.covered_before
    possible = result.upper_bound - result.covered_before
    if result.optimal or possible <= 0:
        share, quality = "100%", t("siting.kpi.optimal", lang)
    else:
        share = "≥ " + format_percent(gain / possible)
        quality = t("siting.kpi.bound", lang, n=format_count(possible, lang))
    points = format_number((after - before) * 100, decimals=1)
    tiles = [
        (
            t("siting.kpi.before", lang),
            format_percent(before),
            t("siting.kpi.covered", lang, n=format_count(result.covered_before, lang)),
        ),
        (
            t("siting.kpi.after", lang, k=len(result.suggestions)),
            format_percent(after),
            t("siting.kpi.points", lang, pp=points),
        ),
        (
            t("siting.kpi.gain", lang),
            format_count(gain, lang),
            t(
                "siting.kpi.per_station",
                lang,
                n=format_count(gain / max(len(result.suggestions), 1), lang),
            ),
        ),
        (t("siting.kpi.quality", lang), share, quality),
    ]
    for column, (label, value, note) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(label, value, delta=note, delta_color="off", delta_arrow="off")


def _what_if_kpis(what: WhatIf, stations: int, lang: str) -> None:
    points = format_number((what.coverage_after - what.coverage_before) * 100, decimals=1)
    change = what.score_after - what.score_before
    sign = "+" if change >= 0 else "−"
    tiles = [
        (
            t("whatif.kpi.coverage", lang),
            format_percent(what.coverage_after),
            t(
                "whatif.kpi.change",
                lang,
                change=t("siting.kpi.points", lang, pp=points),
                value=format_percent(what.coverage_before),
            ),
        ),
        (
            t("whatif.kpi.gain", lang),
            format_count(what.covered_after - what.covered_before, lang),
            None,
        ),
        (
            t("whatif.kpi.score", lang),
            format_score(what.score_after),
            t(
                "whatif.kpi.change",
                lang,
                change=sign + format_score(abs(change)),
                value=format_score(what.score_before),
            ),
        ),
    ]
    for label, value, note in tiles:
        st.metric(
            label, value, delta=note if stations else None, delta_color="off", delta_arrow="off"
        )


def _station_list(
    what: WhatIf, stations: list[dict[str, object]], cur: state.Current, lang: str
) -> None:
    if not stations:
        st.caption(t("whatif.none", lang))
        return
    names = cur.dataset.townships.set_index("code")["name"].to_dict()
    for station, row in zip(stations, what.stations.itertuples(index=False), strict=True):
        text, button = st.columns([3, 1.3], vertical_alignment="center")
        text.markdown(
            t(
                "whatif.station",
                lang,
                label=t("siting.hyp_label", lang, n=station["n"]),
                township=names.get(row.township, t("map.outside", lang)),
                lon=f"{row.lon:.5f}",
                lat=f"{row.lat:.5f}",
                gain=format_count(row.gain, lang),
            )
        )
        button.button(
            t("whatif.remove", lang),
            key=f"whatif_remove_{station['n']}",
            on_click=_remove_stations,
            args=([station["n"]],),
        )
    if len(stations) > 1:
        st.button(
            t("whatif.remove_all", lang),
            key="whatif_remove_all",
            on_click=_remove_stations,
            args=([s["n"] for s in stations],),
        )


def _access_table(what: WhatIf, lang: str) -> None:
    st.subheader(t("whatif.towns", lang))
    towns = what.access.sort_values("change", ascending=False, kind="stable")
    table = pd.DataFrame(
        {
            t("col.name", lang): towns["name"].to_numpy(),
            t("col.people", lang): [format_count(v, lang) for v in towns["demand"]],
            t("whatif.col.before", lang): [format_score(v) for v in towns["before"]],
            t("whatif.col.after", lang): [format_score(v) for v in towns["after"]],
            t("whatif.col.change", lang): [
                ("+" if v > 0 else "") + format_score(v) if np.isfinite(v) and v != 0 else "0"
                for v in towns["change"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _suggestions(result: SitingResult, cur: state.Current, count: int, lang: str) -> None:
    st.subheader(t("siting.table", lang))
    n = len(result.suggestions)
    if n == 0:
        st.info(t("siting.none", lang))
        return
    if n < count:
        st.info(t("siting.fewer", lang, n=n, k=count))
    table = suggestion_table(result, cur.dataset, lang)
    # every coordinate with the same 5 decimals (about 1 m), not 118.534 next to 118.4037
    coordinate = st.column_config.NumberColumn(format="%.5f")
    columns = {t(f"siting.col.{axis}", lang): coordinate for axis in ("lon", "lat")}
    st.dataframe(table, width="stretch", column_config=columns)
    report = report_table(table, t("siting.file", lang))
    group = cur.dataset.group(result.group).display(lang)
    stem = f"{t('siting.file', lang)}_{group}_{date.today().isoformat()}"
    left, right, png, pdf, _ = st.columns([1, 1, 1, 1, 1])
    extra = _hypothetical_frame(_stations(cur.token, result.group), lang)
    for column, extension, mime in ((png, ".png", "image/png"), (pdf, ".pdf", "application/pdf")):
        downloads.deferred_button(
            t(f"siting.download_{extension[1:]}", lang),
            partial(_siting_map_bytes, cur.dataset, result, extra, lang, extension),
            file_name=f"{stem}{extension}",
            mime=mime,
            key=f"siting_map{extension}",
            where=column,
            icon=":material/map:",
        )
    labels = (t("siting.download_csv", lang), t("siting.download_xlsx", lang))
    downloads.table_buttons(
        report,
        labels=labels,
        stem=stem,
        key="siting",
        where=(left, right),
        icon=":material/download:",
    )


def _what_if_panel(
    cur: state.Current, group: str, radius: float, lang: str
) -> tuple[WhatIf, list[dict[str, object]], float | None]:
    """Key figures first (they change at once), then the stations, then the ways to add one."""
    st.subheader(t("whatif.title", lang))
    st.caption(t("whatif.help", lang, group=widgets.plain(cur.dataset.group(group).display(lang))))
    tiles, listing = st.container(), st.container()
    st.toggle(t("whatif.click", lang), value=True, key="whatif_click")
    with st.expander(t("whatif.typed", lang), icon=":material/edit_location_alt:"):
        _typed_station(cur, group, lang)
    capacity = _capacity(cur.dataset, group, lang)
    _restore_stations(cur.token, group)
    stations = _stations(cur.token, group)
    coords = tuple((float(s["lon"]), float(s["lat"])) for s in stations)
    what = loader.what_if_for(cur.dataset, cur.token, group, coords, radius, capacity)
    with tiles:
        _what_if_kpis(what, len(stations), lang)
    with listing:
        _station_list(what, stations, cur, lang)
        others = len(_stations(cur.token, None)) - len(stations)
        if others:
            st.caption(t("whatif.other_groups", lang, n=others))
    return what, stations, capacity


def render() -> None:
    """The siting page."""
    lang = state.lang()
    cur = state.current()
    widgets.group_picker(cur.dataset, lang)
    group = _group_choice(cur.dataset, lang)
    count = _count(lang)
    radius = _reach_metres(cur.dataset, group, lang)
    candidates, candidates_token = _candidates(cur, lang)
    basemap = widgets.basemap_picker(lang)
    st.title(t("siting.title", lang))
    widgets.demo_notice(cur.dataset, lang)
    st.caption(t("siting.intro", lang))
    if st.session_state.get(CANDIDATES_REPORT_KEY):
        _candidate_report(st.session_state[CANDIDATES_REPORT_KEY], lang)
    result = loader.siting_for(
        cur.dataset,
        cur.token,
        group,
        count,
        radius,
        _candidates=candidates,
        candidates_token=candidates_token,
    )
    _siting_kpis(result, lang)
    if result.unlocated:
        st.caption(t("siting.unlocated", lang, n=len(result.unlocated)))
    left, right = st.columns([7, 3], gap="medium")
    with right:
        what, stations, what_capacity = _what_if_panel(cur, group, radius, lang)
    with left:
        _siting_map(result, stations, cur, basemap, lang)
        st.caption(t("siting.map_help", lang))
    _suggestions(result, cur, count, lang)
    if stations:
        _access_table(what, lang)
    _sync_scenario(group, count, what_capacity, stations)


def _siting_map(
    result: SitingResult,
    stations: list[dict[str, object]],
    cur: state.Current,
    basemap: str,
    lang: str,
) -> None:
    view = PlanView(
        lang=lang,
        basemap=basemap,
        tianditu_key=widgets.tianditu_key(),
        asset_base=loader.leaflet_asset_base(),
    )
    extra = _hypothetical_frame(stations, lang)
    fmap = build_siting_map(cur.dataset, result, view, hypothetical=extra)
    on_click = partial(_on_map_click, cur.token, result.group, display_datum(basemap))
    widgets.show_map(fmap, key=MAP_KEY, height=640, returned=["last_clicked"], on_change=on_click)


def _hypothetical_frame(stations: list[dict[str, object]], lang: str) -> pd.DataFrame:
    """The hypothetical stations as the maps take them: ``lon``, ``lat``, ``label``."""
    return pd.DataFrame(
        {
            "lon": [s["lon"] for s in stations],
            "lat": [s["lat"] for s in stations],
            "label": [t("siting.hyp_label", lang, n=s["n"]) for s in stations],
        }
    )


def _siting_map_bytes(
    dataset: Dataset, result: SitingResult, extra: pd.DataFrame, lang: str, extension: str
) -> bytes:
    """The siting map as on the screen (suggestions and hypothetical stations), as a file."""
    fig = siting_figure(dataset, result, hypothetical=extra, lang=lang)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=extension[1:], dpi=200, facecolor="white")
    return buffer.getvalue()
