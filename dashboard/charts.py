"""Plotly charts of the township tables (ranked bars, recommended vs actual)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from geo.text.i18n import axis_ticks

_FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _layout(fig: go.Figure, *, height: int, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 18}},
        height=height,
        margin={"l": 10, "r": 10, "t": 48, "b": 10},
        font={"family": _FONT, "size": 14},
        plot_bgcolor="white",
        hovermode="y",
    )
    fig.update_xaxes(gridcolor="#e5e7eb")
    return fig


def ranked_bar(
    names: pd.Series,
    values: pd.Series,
    texts: list[str],
    colours: pd.Series,
    *,
    title: str,
    axis: str = "plain",
    lang: str = "zh",
) -> go.Figure:
    """Horizontal bars of one value per township, largest at the top, coloured by class.

    ``axis``: ``"percent"`` (shares 0-1), ``"count"`` (people or yuan: 万 in Chinese) or
    ``"plain"`` (small decimals such as sites per 1,000 people)."""
    order = values.fillna(-1).sort_values(kind="stable").index
    fig = go.Figure(
        go.Bar(
            x=values.loc[order].fillna(0),
            y=names.loc[order],
            orientation="h",
            text=pd.Series(texts, index=values.index).loc[order],
            textposition="outside",
            marker={"color": list(colours.loc[order]), "line": {"color": "#4b5563", "width": 0.6}},
            cliponaxis=False,
        )
    )
    if axis == "percent":
        fig.update_xaxes(tickformat=".0%")
    elif axis == "count":
        ticks, labels = axis_ticks(float(values.max()) if values.notna().any() else 0.0, lang)
        fig.update_xaxes(tickvals=ticks, ticktext=labels)
    else:
        fig.update_xaxes(tickformat=",~r")
    fig = _layout(fig, height=80 + 30 * len(values), title=title)
    fig.update_layout(margin={"r": 70})
    return fig


def grouped_bar(
    names: pd.Series, series: dict[str, pd.Series], *, title: str, lang: str = "zh"
) -> go.Figure:
    """Side-by-side bars per township (e.g. recommended and actual yuan); the value axis
    labelled as counts in ``lang`` (万 in Chinese, not plotly's "50k")."""
    colours = ["#54278f", "#fc8d59", "#41b6c4"]
    fig = go.Figure(
        [
            go.Bar(name=label, x=names, y=values, marker={"color": colours[i % len(colours)]})
            for i, (label, values) in enumerate(series.items())
        ]
    )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.02, "x": 0})
    top = max((float(v.max()) for v in series.values() if len(v)), default=0.0)
    values, labels = axis_ticks(top, lang)
    fig.update_yaxes(tickvals=values, ticktext=labels, gridcolor="#e5e7eb")
    return _layout(fig, height=420, title=title)
