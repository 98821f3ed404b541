"""Plotly charts of the township tables (ranked bars, recommended vs actual)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

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
    percent: bool = False,
) -> go.Figure:
    """Horizontal bars of one value per township, largest at the top, coloured by class."""
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
    fig.update_xaxes(tickformat=".0%" if percent else ",~r")
    fig = _layout(fig, height=80 + 30 * len(values), title=title)
    fig.update_layout(margin={"r": 70})
    return fig


def grouped_bar(names: pd.Series, series: dict[str, pd.Series], *, title: str) -> go.Figure:
    """Side-by-side bars per township (e.g. recommended and actual yuan)."""
    colours = ["#54278f", "#fc8d59", "#41b6c4"]
    fig = go.Figure(
        [
            go.Bar(name=label, x=names, y=values, marker={"color": colours[i % len(colours)]})
            for i, (label, values) in enumerate(series.items())
        ]
    )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.02, "x": 0})
    return _layout(fig, height=420, title=title)
