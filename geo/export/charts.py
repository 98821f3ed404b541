"""Report charts drawn with matplotlib: people out of reach, recommended vs actual funding.

Charts are drawn with matplotlib rather than plotly + kaleido: kaleido 1.x renders through a
Chrome installation and downloads one when none is found, which an office network without
internet cannot do. matplotlib needs no browser, uses the same Chinese font as the maps and
embeds it in the PDF as text.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from geo.errors import check_choice
from geo.export import layout as _layout
from geo.export.layout import INK, MUTED, PageText
from geo.export.maps import page_text
from geo.privacy import public_text
from geo.summary import Summary
from geo.text.fonts import apply_cjk_font
from geo.text.i18n import format_count, format_yuan, t

__all__ = ["CHARTS", "chart_figure", "draw_funding_chart", "draw_gap_chart"]

ChartName = Literal["gaps", "funding"]
CHARTS: Final = ("gaps", "funding")
RECOMMENDED: Final = "#54278f"
ACTUAL: Final = "#fdae6b"
GAP: Final = "#d7301f"
MAX_BARS: Final = 30


def _style_axes(ax: Axes) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0, labelsize=9, colors=INK)
    ax.tick_params(axis="x", labelsize=8, colors=MUTED)
    ax.grid(axis="x", color="#d0d7de", linewidth=0.6)
    ax.set_axisbelow(True)


def draw_gap_chart(ax: Axes, summary: Summary, *, lang: str = "zh") -> None:
    """Horizontal bars of people out of reach per township, the largest gap on top.

    In the public edition a protected township gets no bar, reads "<k" or "*" and comes last
    (as in the gap table: a rank between two shown figures would bound the hidden one).
    """
    table = _gap_rows(summary, lang).sort_values(["exact", "bar"], kind="stable").tail(MAX_BARS)
    y = np.arange(len(table))
    ax.barh(y, table["bar"], color=GAP, height=0.65)
    ax.set_yticks(y, table["name"])
    top = float(table["bar"].max()) if len(table) else 0.0
    for yi, value, text in zip(y, table["bar"], table["text"], strict=True):
        ax.text(value + top * 0.01, float(yi), text, va="center", size=8, color=INK)
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_count(v, lang)))
    _style_axes(ax)
    if summary.public:  # the bars carry their values; a tick at 2 or 4 would read as a count
        ax.tick_params(axis="x", labelbottom=False)


def _gap_rows(summary: Summary, lang: str) -> pd.DataFrame:
    """Per township: name, bar length (0 where protected), label text, whether exact."""
    table = summary.townships
    value = table["unreached"].astype(float)
    texts = [format_count(v, lang) for v in value]
    exact = pd.Series(True, index=table.index)
    disclosure = summary.disclosure
    if disclosure is not None:
        exact = disclosure.townships["unreached"].reindex(table.index).fillna(False).astype(bool)
        k = disclosure.min_count
        texts = [public_text(v, ok, s, k) for v, ok, s in zip(value, exact, texts, strict=True)]
    return pd.DataFrame(
        {
            "name": table["name"],
            "bar": value.where(exact, 0.0),
            "text": texts,
            "exact": exact,
        }
    )


def draw_funding_chart(ax: Axes, summary: Summary, *, lang: str = "zh") -> None:
    """Recommended allocation next to the actual project amounts, per township (grouped bars).

    The public edition draws the actual amounts only when the allocation is withheld
    (``geo.privacy.Disclosure.funding``): it would give small counts away.
    """
    table = summary.townships.sort_values("funding_yuan", ascending=True, kind="stable")
    withheld = summary.disclosure is not None and not summary.disclosure.funding
    if withheld:
        table = summary.townships.sort_values("projects_yuan", ascending=True, kind="stable")
    table = table.tail(MAX_BARS)
    y = np.arange(len(table))
    height = 0.38
    recommended = t("funding.recommended", lang) + (t("app.colon", lang) + "*" if withheld else "")
    ax.barh(y + height / 2, table["funding_yuan"] * (0 if withheld else 1), height,
            color=RECOMMENDED, label=recommended)  # fmt: skip
    ax.barh(y - height / 2, table["projects_yuan"], height, color=ACTUAL,
            label=t("funding.actual", lang))  # fmt: skip
    ax.set_yticks(y, table["name"])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_yuan(v, lang)))
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    _style_axes(ax)


def chart_figure(
    summary: Summary,
    *,
    chart: ChartName = "gaps",
    lang: str = "zh",
    size: str = "a4",
    day: date | None = None,
) -> Figure:
    """A chart page with the maps' title block, for PNG/SVG/PDF export."""
    check_choice("chart", chart, CHARTS)
    apply_cjk_font()
    fig = _layout.new_page(size)
    ax = fig.add_axes((0.16, 0.1, 0.78, 0.72))
    if chart == "gaps":
        draw_gap_chart(ax, summary, lang=lang)
        title_key = "export.pack.gaps_chart"
    else:
        draw_funding_chart(ax, summary, lang=lang)
        title_key = "export.pack.funding_chart"
    base = page_text(summary, view="funding" if chart == "funding" else "indicator", lang=lang,
                     day=day)  # fmt: skip
    title = f"{summary.dataset.district}{t('app.colon', lang)}{t(title_key, lang)}"
    _layout.draw_page_text(fig, PageText(title, base.subtitle, base.footer, base.badge))
    return fig


def funding_totals(summary: Summary) -> pd.Series:
    """Recommended and actual totals (yuan) for a chart caption."""
    table = summary.townships
    return pd.Series(
        {"recommended": table["funding_yuan"].sum(), "actual": table["projects_yuan"].sum()}
    )
