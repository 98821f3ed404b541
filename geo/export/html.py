"""The interactive map as one HTML file for e-mail: Leaflet inlined, no network needed.

The map is the dashboard's own (``geo.maps.views.build_map``), made self-contained by
``geo.maps.webmap.standalone_html``; a title box with the same title and subtitle as the static
maps (and the demo notice) is laid over it.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import folium

from geo.export.maps import page_text
from geo.maps.views import MapView, build_map
from geo.maps.webmap import page, remote_assets, standalone_html
from geo.summary import Summary

__all__ = ["html_page", "write_html"]

_TITLE_CSS = (
    "<style>.atlas-title{position:absolute;top:10px;right:10px;z-index:1000;max-width:min(34em,40%);"
    "font-family:'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei',"
    "'PingFang SC','WenQuanYi Micro Hei',sans-serif;"
    "background:rgba(255,255,255,0.94);padding:0.5em 0.9em;border-radius:6px;"
    "box-shadow:0 1px 4px rgba(0,0,0,0.3);color:#1f2328;font-size:13px;line-height:1.45}"
    ".atlas-title h1{margin:0 0 0.2em 0;font-size:20px}"
    ".atlas-title p{margin:0;color:#57606a}"
    ".atlas-title .badge{color:#b42318;font-weight:bold;margin-top:0.3em}</style>"
)


def html_page(
    summary: Summary,
    *,
    indicator: str = "coverage",
    lang: str = "zh",
    day: date | None = None,
    catchments: bool = True,
    unreached: bool = True,
) -> str:
    """The choropleth of ``indicator`` with sites, catchments and villages out of reach.

    Parameters
    ----------
    summary
        From ``geo.summary.summarize`` for the groups of interest.
    indicator
        One of ``geo.indicators.INDICATORS``.
    lang
        ``"zh"`` or ``"en"``.
    day
        Date printed in the title box (today when None).
    catchments, unreached
        Draw the catchment circles and the villages out of reach.

    Returns
    -------
    str
        A complete HTML page with no http(s) script or stylesheet. Its title box says 公开
        for a public summary (``geo.privacy.public_summary``: protected values read "*", no
        village drawn for a small group), else 内部.
    """
    view = MapView(
        indicator=indicator,
        lang=lang,
        show_catchments=catchments,
        show_unreached=unreached,
    )
    fmap = build_map(summary, view)
    text = page_text(summary, view="indicator", indicator=indicator, lang=lang, day=day)
    _add_title_box(fmap, text.title, text.subtitle, text.badge)
    page = standalone_html(fmap, title=text.title)
    leftovers = remote_assets(page)
    if leftovers:
        msg = f"the HTML map would load assets from the network: {leftovers}"
        raise ValueError(msg)
    return page


def _add_title_box(
    fmap: folium.Map, title: str, subtitle: tuple[str, ...], badge: str | None
) -> None:
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in subtitle)
    badge_html = f'<p class="badge">{html.escape(badge)}</p>' if badge else ""
    box = f'<div class="atlas-title"><h1>{html.escape(title)}</h1>{lines}{badge_html}</div>'
    root = page(fmap)
    root.header.add_child(folium.Element(_TITLE_CSS), name="atlas_title_style")
    root.html.add_child(folium.Element(box), name="atlas_title")


def write_html(summary: Summary, path: Path | str, **options: object) -> Path:
    """Write :func:`html_page` to ``path`` (UTF-8); ``options`` as for ``html_page``."""
    path = Path(path)
    path.write_text(html_page(summary, **options), encoding="utf-8")  # type: ignore[arg-type]
    return path
