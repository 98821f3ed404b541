"""Travel time as a planner says it ("15 minutes on foot") <-> straight-line metres.

The atlas measures reach as straight-line distance on the ground. People travel along roads,
which are longer: the ratio of network to straight-line distance (the detour or circuity
factor) is about 1.2-1.4 in most road networks (Ballou, Rahardja & Sakai 2002, *Transportation
Research Part A* 36: 843-848; Boscoe, Henry & Zdeb 2012, *The Professional Geographer* 64(2):
188-196), so the default is 1.3. A time budget at a speed becomes a straight-line radius::

    radius_m = minutes / 60 x speed_kmh x 1000 / detour

Default speeds (km/h) and where they come from:

- walking 4.5: older and accompanied walkers; the design walking speed of 1.2 m/s
  (4.3 km/h) used for pedestrian facilities (Highway Capacity Manual), a little above it on
  village roads without crossings.
- walking_slow 2.7 (45 m/min): elders and disabled people on foot, the 40-50 m/min of the demo
  data's radii (data/README.md); gait speeds of 0.6-0.8 m/s are common among frail older
  adults (Studenski et al. 2011, *JAMA* 305(1): 50-58).
- e-bike 15: an average door-to-door speed under the 25 km/h design cap of GB 17761-2018
  (电动自行车安全技术规范), which riders do not hold on village roads.
- car 30: an average on township and village roads, the design speeds of class-III and
  class-IV highways being 30-40 and 20-30 km/h (JTG B01-2014 公路工程技术标准).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from geo.errors import check_choice

__all__ = [
    "DEFAULT_DETOUR",
    "TRAVEL_MODES",
    "TravelMode",
    "metres_to_minutes",
    "minutes_to_metres",
    "travel_mode",
]

DEFAULT_DETOUR = 1.3


@dataclass(frozen=True)
class TravelMode:
    """A way of getting to a station and its default door-to-door speed."""

    code: str
    label: str
    label_en: str
    speed_kmh: float

    def display(self, lang: str = "zh") -> str:
        """The mode's name in ``lang``."""
        return self.label_en if lang == "en" else self.label


TRAVEL_MODES: dict[str, TravelMode] = {
    m.code: m
    for m in (
        TravelMode("walking", "步行", "Walking", 4.5),
        TravelMode("walking_slow", "步行（老人、残疾人）", "Walking (elders, disabled)", 2.7),
        TravelMode("ebike", "电动自行车", "E-bike", 15.0),
        TravelMode("car", "汽车", "Car", 30.0),
    )
}


def travel_mode(code: str) -> TravelMode:
    """The travel mode ``code`` (``walking``, ``walking_slow``, ``ebike`` or ``car``).

    Raises
    ------
    ValueError
        If ``code`` is not one of :data:`TRAVEL_MODES`.
    """
    return TRAVEL_MODES[check_choice("mode", code, sorted(TRAVEL_MODES))]


def _metres_per_minute(mode: str, detour: float, speed_kmh: float | None) -> float:
    speed = travel_mode(mode).speed_kmh if speed_kmh is None else float(speed_kmh)
    if not speed > 0 or not np.isfinite(speed):
        msg = f"`speed_kmh` must be a positive number, got {speed_kmh!r}."
        raise ValueError(msg)
    if not detour >= 1 or not np.isfinite(detour):
        msg = f"`detour` must be a number >= 1 (road over straight-line distance), got {detour!r}."
        raise ValueError(msg)
    return speed * 1000.0 / 60.0 / detour


def minutes_to_metres(
    minutes: npt.ArrayLike,
    *,
    mode: str = "walking",
    detour: float = DEFAULT_DETOUR,
    speed_kmh: float | None = None,
) -> float | np.ndarray:
    """The straight-line radius reached in ``minutes`` of travel.

    Parameters
    ----------
    minutes
        Travel time(s), >= 0.
    mode
        ``walking``, ``walking_slow``, ``ebike`` or ``car``: picks the default speed.
    detour
        Road distance over straight-line distance (>= 1).
    speed_kmh
        Overrides the mode's default speed.

    Returns
    -------
    float or numpy.ndarray
        Straight-line metres (a float for a scalar input).

    Examples
    --------
    >>> round(minutes_to_metres(15, mode="walking"))
    865
    """
    per_minute = _metres_per_minute(mode, detour, speed_kmh)
    values = np.asarray(minutes, dtype=float)
    if np.any(values < 0):
        msg = "`minutes` must be >= 0."
        raise ValueError(msg)
    out = values * per_minute
    return float(out) if out.ndim == 0 else out


def metres_to_minutes(
    metres: npt.ArrayLike,
    *,
    mode: str = "walking",
    detour: float = DEFAULT_DETOUR,
    speed_kmh: float | None = None,
) -> float | np.ndarray:
    """The travel time, in minutes, to cover a straight-line distance of ``metres``.

    The inverse of :func:`minutes_to_metres` with the same parameters.

    Examples
    --------
    >>> round(metres_to_minutes(2000, mode="ebike"), 1)
    10.4
    """
    per_minute = _metres_per_minute(mode, detour, speed_kmh)
    values = np.asarray(metres, dtype=float)
    if np.any(values < 0):
        msg = "`metres` must be >= 0."
        raise ValueError(msg)
    out = values / per_minute
    return float(out) if out.ndim == 0 else out
