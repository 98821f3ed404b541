"""Township indicators for choropleth maps, their class breaks and legend colours.

An indicator is one number per township computed from the summary table
(``geo.summary.Summary.townships``). The dashboard and the static exports both colour the
townships from the same :class:`Classification`, so a map on the screen and the same map in a
report have the same classes and the same legend.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from geo.errors import check_choice
from geo.text.i18n import format_count, format_number, format_percent, format_yuan, t

__all__ = [
    "CHANGE_BOUNDS_PP",
    "CHANGE_COLOURS",
    "CHOROPLETH_INDICATORS",
    "CLOSED_COLOUR",
    "INDICATORS",
    "NO_DATA_COLOUR",
    "OPENED_COLOUR",
    "SHARE_BOUNDS",
    "Classification",
    "Indicator",
    "change_legend_labels",
    "classify_change_pp",
    "classify_indicator",
    "classify_values",
    "compute_indicator",
    "format_change_pp",
    "format_indicator_value",
    "indicator_name",
    "legend_labels",
]

Scheme = Literal["fixed", "natural_breaks", "quantiles", "equal_interval"]
ValueFormat = Literal["percent", "count", "decimal", "yuan", "money"]

NO_DATA_COLOUR: Final = "#d9d9d9"

# ColorBrewer sequential schemes, 5 classes, light to dark.
_PALETTES: Final[dict[str, tuple[str, ...]]] = {
    "YlGnBu": ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    "OrRd": ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"),
    "Greens": ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"),
    "Purples": ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
}
MAX_CLASSES: Final = 5
# Above this many townships the natural breaks are found on a sample (see _upper_bounds).
JENKS_SAMPLE: Final = 200
# Shares are classed the same way on every map (0-20-40-60-80-100 %), so that two years, two
# groups or two districts compare at a glance; data-driven breaks are a choice.
SHARE_BOUNDS: Final = (0.2, 0.4, 0.6, 0.8, 1.0)
# A change of a share in percentage points: fixed, symmetric classes around "about the same".
CHANGE_BOUNDS_PP: Final = (-10.0, -5.0, -1.0, 1.0, 5.0, 10.0)
# ColorBrewer RdBu, 7 classes: red = loss, white = about the same, blue = gain.
# Sites opened (filled) and closed (hollow) on the year-on-year maps.
OPENED_COLOUR: Final = "#15803d"
CLOSED_COLOUR: Final = "#7f1d1d"
CHANGE_COLOURS: Final = (
    "#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac",
)  # fmt: skip


@dataclass(frozen=True)
class Indicator:
    """A township indicator: how to compute it, name it, format it and colour it."""

    code: str
    value_format: ValueFormat
    palette: str
    higher_is_better: bool

    def name(self, lang: str = "zh") -> str:
        """The indicator's name in ``lang``."""
        return t(f"indicator.{self.code}", lang)


INDICATORS: Final[dict[str, Indicator]] = {
    ind.code: ind
    for ind in (
        Indicator("coverage", "percent", "YlGnBu", higher_is_better=True),
        Indicator("unreached", "count", "OrRd", higher_is_better=False),
        Indicator("sites_per_1000", "decimal", "Greens", higher_is_better=True),
        Indicator("funding_per_person", "yuan", "Purples", higher_is_better=True),
        Indicator("funding_yuan", "money", "Purples", higher_is_better=True),
    )
}
# The indicators a planner picks for the overview map; ``funding_yuan`` (the recommended
# allocation) is the funding page's map.
CHOROPLETH_INDICATORS: Final = ("coverage", "unreached", "sites_per_1000", "funding_per_person")


@dataclass(frozen=True)
class Classification:
    """Township values split into classes, with a colour per township and a legend.

    Attributes
    ----------
    values
        The indicator per township (NaN where it is not defined).
    classes
        Class index per township, 0 = lowest; -1 where the value is NaN.
    colours
        Fill colour per township (``NO_DATA_COLOUR`` where the value is NaN).
    legend
        One ``(lower, upper, colour)`` per class, lowest first; empty when every value is NaN.
    """

    values: pd.Series
    classes: pd.Series
    colours: pd.Series
    legend: list[tuple[float, float, str]]

    @property
    def has_missing(self) -> bool:
        """Whether some township has no value (drawn in the "no data" colour)."""
        return bool(self.values.isna().any())


def _get_indicator(code: str) -> Indicator:
    return INDICATORS[check_choice("indicator", code, INDICATORS)]


def indicator_name(code: str, lang: str = "zh") -> str:
    """The name of indicator ``code`` in ``lang`` (``OptionError`` for an unknown code)."""
    return _get_indicator(code).name(lang)


def compute_indicator(townships: pd.DataFrame, code: str) -> pd.Series:
    """One indicator per township from the summary table.

    Parameters
    ----------
    townships
        ``Summary.townships``: needs ``coverage``, ``unreached``, ``people``,
        ``organizations``, ``stations`` and ``projects_yuan``.
    code
        ``"coverage"`` (covered / people of the selected groups), ``"unreached"`` (people out of
        reach), ``"sites_per_1000"`` ((organizations + stations) per 1,000 people) or
        ``"funding_per_person"`` (venture-project yuan per person) or ``"funding_yuan"`` (the
        recommended allocation).

    Returns
    -------
    pandas.Series
        Float per township (same index), NaN where the ratio has no people to divide by.
    """
    _get_indicator(code)
    people = townships["people"].astype(float)
    per_person = people.where(people > 0)
    if code == "coverage":
        values = townships["coverage"]
    elif code == "unreached":
        values = townships["unreached"]
    elif code == "sites_per_1000":
        values = (townships["organizations"] + townships["stations"]) / per_person * 1000
    elif code == "funding_per_person":
        values = townships["projects_yuan"] / per_person
    else:
        values = townships["funding_yuan"]
    return values.astype(float).rename(code)


def _palette(name: str, k: int) -> list[str]:
    colours = _PALETTES[name]
    picks = np.linspace(0, len(colours) - 1, k).round().astype(int) if k > 1 else [2]
    return [colours[i] for i in picks]


def _upper_bounds(values: np.ndarray, k: int, scheme: Scheme) -> np.ndarray:
    # imported here: mapclassify brings scipy.stats, scikit-learn and matplotlib, 1.5 s of CPU
    # that a command printing no map (summary, validate) would pay at every start
    import mapclassify

    if k == 1:
        return np.array([values.max()])
    if scheme == "quantiles":
        return np.asarray(mapclassify.Quantiles(values, k=k).bins)
    if scheme == "equal_interval":
        return np.asarray(mapclassify.EqualInterval(values, k=k).bins)
    # Fisher-Jenks: the optimal natural breaks, deterministic. Its pure-Python path (no numba)
    # is instant for a district's townships; mapclassify warns about the speed only.
    # (Jenks-Caspall was tried first: it loops forever when a class runs empty, as it does on
    # the Suyu demo.) It costs k n^2, 13 s for a province's 1,300 townships, so beyond
    # JENKS_SAMPLE values it runs on that many evenly spaced order statistics (data values,
    # the largest included): the breaks move by less than the spacing of those.
    if len(values) > JENKS_SAMPLE:
        ranks = np.linspace(0.0, 1.0, JENKS_SAMPLE)
        values = np.quantile(values, ranks, method="inverted_cdf")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Numba not installed", UserWarning)
        return np.asarray(mapclassify.FisherJenks(values, k=k).bins)


def classify_values(
    values: pd.Series,
    *,
    k: int = MAX_CLASSES,
    scheme: Scheme = "natural_breaks",
    palette: str = "YlGnBu",
) -> Classification:
    """Split ``values`` into at most ``k`` classes with mapclassify and colour them.

    Parameters
    ----------
    values
        One number per township; NaN values get no class.
    k
        Wanted number of classes (1 to 5); fewer when there are fewer distinct values (except
        for ``"fixed"``, which always has its five classes).
    scheme
        ``"natural_breaks"`` (Fisher-Jenks), ``"quantiles"``, ``"equal_interval"``, or
        ``"fixed"`` for shares between 0 and 1: the classes of :data:`SHARE_BOUNDS`, whatever
        the values, so that maps compare.
    palette
        One of ``"YlGnBu"``, ``"OrRd"``, ``"Greens"``, ``"Purples"`` (light = low).

    Returns
    -------
    Classification
    """
    if not 1 <= k <= MAX_CLASSES or palette not in _PALETTES:
        msg = (
            f"k must be 1..{MAX_CLASSES} and palette one of {list(_PALETTES)}, got {k}, {palette!r}"
        )
        raise ValueError(msg)
    values = values.astype(float)
    if scheme == "fixed":
        return _classify_shares(values, palette)
    known = values.dropna().to_numpy()
    classes = pd.Series(-1, index=values.index, dtype=int)
    if known.size == 0:
        colours = pd.Series(NO_DATA_COLOUR, index=values.index, dtype=object)
        return Classification(values, classes, colours, [])
    k = min(k, np.unique(known).size)
    bounds = _upper_bounds(known, k, scheme)
    bounds[-1] = known.max()
    present = values.notna()
    classes[present] = np.searchsorted(bounds, values[present].to_numpy(), side="left")
    colours_k = _palette(palette, len(bounds))
    colours = classes.map(lambda c: colours_k[c] if c >= 0 else NO_DATA_COLOUR).astype(object)
    lowers = np.concatenate([[known.min()], bounds[:-1]])
    legend = [
        (float(lo), float(hi), colour)
        for lo, hi, colour in zip(lowers, bounds, colours_k, strict=True)
    ]
    return Classification(values, classes, colours, legend)


def _classify_shares(values: pd.Series, palette: str) -> Classification:
    bounds = np.asarray(SHARE_BOUNDS)
    present = values.notna()
    classes = pd.Series(-1, index=values.index, dtype=int)
    clipped = values[present].clip(0, 1).to_numpy()
    classes[present] = np.searchsorted(bounds, clipped, side="left")
    colours_k = _palette(palette, len(bounds))
    colours = classes.map(lambda c: colours_k[c] if c >= 0 else NO_DATA_COLOUR).astype(object)
    lowers = np.concatenate([[0.0], bounds[:-1]])
    legend = [
        (float(lo), float(hi), colour)
        for lo, hi, colour in zip(lowers, bounds, colours_k, strict=True)
    ]
    return Classification(values, classes, colours, legend)


def classify_change_pp(values: pd.Series) -> Classification:
    """Classify changes in percentage points into the seven fixed classes of the change maps.

    :data:`CHANGE_BOUNDS_PP`: below -10, -10 to -5, -5 to -1, -1 to +1, +1 to +5, +5 to +10,
    above +10, on a diverging palette; NaN (no demand in a year, or a township in one year
    only) gets the no-data colour.

    The outer classes' legend bounds are the most extreme values (or the inner bound when none
    lies beyond it).
    """
    values = values.astype(float)
    inner = np.asarray(CHANGE_BOUNDS_PP)
    present = values.notna()
    classes = pd.Series(-1, index=values.index, dtype=int)
    # left-closed bins: exactly +1.0 is a gain, exactly -1.0 about the same
    classes[present] = np.searchsorted(inner, values[present].to_numpy(), side="right")
    colours = classes.map(lambda c: CHANGE_COLOURS[c] if c >= 0 else NO_DATA_COLOUR)
    known = values.dropna()
    low = min(float(known.min()), inner[0]) if len(known) else inner[0]
    high = max(float(known.max()), inner[-1]) if len(known) else inner[-1]
    edges = [low, *inner, high]
    legend = [
        (float(edges[i]), float(edges[i + 1]), CHANGE_COLOURS[i]) for i in range(len(edges) - 1)
    ]
    return Classification(values, classes, colours.astype(object), legend)


def format_change_pp(value: float | None, lang: str = "zh", *, unit: bool = True) -> str:
    """A change in percentage points as read aloud: '+4.5个百分点', '-0.9 pp'.

    A change that rounds to zero has no sign ('0.0个百分点'); '—' when unknown; with
    ``unit=False`` the number only ('+4.5').
    """
    if value is None or pd.isna(value):
        return "—"
    number = "0.0" if round(value, 1) == 0 else f"{value:+.1f}"
    return t("compare.pp", lang, value=number) if unit else number


def change_legend_labels(lang: str = "zh") -> list[str]:
    """The labels of the seven classes of :func:`classify_change_pp`, lowest first."""
    inner = [f"{b:+g}" for b in CHANGE_BOUNDS_PP]
    labels = [t("compare.legend.below", lang, bound=inner[0])]
    labels += [f"{lo} ~ {hi}" for lo, hi in itertools.pairwise(inner)]
    labels[3] = t("compare.legend.same", lang)
    return [*labels, t("compare.legend.above", lang, bound=inner[-1])]


def classify_indicator(
    townships: pd.DataFrame,
    code: str,
    *,
    k: int = MAX_CLASSES,
    scheme: Scheme | None = None,
    shown: pd.Series | None = None,
) -> Classification:
    """Compute indicator ``code`` from the summary table and classify it with its palette.

    ``scheme`` None: fixed share classes (:data:`SHARE_BOUNDS`) for percentages, natural breaks
    for the others. ``shown`` (township -> bool) withholds the others' values: they get no
    class and stay out of the class bounds (the public view, ``geo.privacy``).
    """
    indicator = _get_indicator(code)
    values = compute_indicator(townships, code)
    if shown is not None:
        values = values.where(shown.reindex(values.index).fillna(False).astype(bool))
    if scheme is None:
        scheme = "fixed" if indicator.value_format == "percent" else "natural_breaks"
    return classify_values(values, k=k, scheme=scheme, palette=indicator.palette)


def format_indicator_value(code: str, value: float | None, lang: str = "zh") -> str:
    """``value`` of indicator ``code`` formatted for reading ('66.7%', '2.7万', '12.50')."""
    kind = _get_indicator(code).value_format
    if kind == "percent":
        return format_percent(value)
    if kind == "count":
        return format_count(value, lang)
    if kind == "yuan":
        return _format_small_yuan(value, lang)
    if kind == "money":
        return format_yuan(value, lang)
    return format_number(value, decimals=2)


def _format_small_yuan(value: float | None, lang: str) -> str:
    """Yuan per person is small (a few yuan): one decimal instead of whole yuan or 万."""
    text = format_number(value, decimals=1)
    if text == format_number(None):
        return text
    return f"¥{text}" if lang == "en" else f"{text}元"


def legend_labels(classification: Classification, code: str, lang: str = "zh") -> list[str]:
    """One label per legend entry, e.g. ``'45.0% – 60.0%'``; ``'0'`` for a one-value class."""
    labels = []
    for lo, hi, _ in classification.legend:
        low, high = format_indicator_value(code, lo, lang), format_indicator_value(code, hi, lang)
        labels.append(low if low == high else f"{low} – {high}")
    return labels
