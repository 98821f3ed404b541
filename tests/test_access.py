"""2SFCA / E2SFCA scores: hand-checked grids, PySAL access as the reference, dataset level."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from builder import build_dataset
from ground import ground_crs, lonlat
from pyproj import Transformer
from shapely.geometry import Point, box

from geo.access import (
    Decay,
    access_to_json,
    compute_access,
    township_scores,
    two_step_fca,
)
from geo.cli.commands import main
from geo.coverage import compute_coverage
from geo.dataset import Dataset, Group
from geo.projection import reach_pairs
from geo.travel import metres_to_minutes, minutes_to_metres, travel_mode

# A 3 x 3 grid of villages 1 km apart; people per village, row by row from y = 0. On the
# ground its centre (1000, 1000) is the origin, so distances from the centre are exact.
GRID_XY = np.array([(x, y) for y in (0.0, 1000.0, 2000.0) for x in (0.0, 1000.0, 2000.0)])
GRID_PEOPLE = np.array([100, 200, 50, 100, 300, 100, 50, 200, 100], dtype=float)


def on_ground(xy: np.ndarray | list) -> np.ndarray:
    """Grid metres as longitude and latitude, the grid's centre at the origin of the ground."""
    return lonlat(np.asarray(xy, dtype=float).reshape(-1, 2) - 1000.0)


def test_2sfca_on_a_grid_matches_the_hand_computation() -> None:
    # A at the centre (90 a year) reaches the centre and the four edge villages (900 people):
    # R_A = 0.1. B at (0, 0) (40 a year) reaches (0,0), (1000,0), (0,1000) (400 people):
    # R_B = 0.1. The two villages both reach score 0.2; the far corners no site at all. (B's
    # neighbours are not on a ray from the origin, so B's radius has a millimetre to spare.)
    sites = on_ground([(1000.0, 1000.0), (0.0, 0.0)])
    result = two_step_fca(on_ground(GRID_XY), GRID_PEOPLE, sites, [90.0, 40.0], [1000.0, 1000.001])
    np.testing.assert_allclose(result.ratio, [0.1, 0.1])
    np.testing.assert_allclose(result.catchment_demand, [900.0, 400.0])
    np.testing.assert_allclose(result.score, [0.1, 0.2, 0, 0.2, 0.1, 0.1, 0, 0.1, 0])
    np.testing.assert_array_equal(result.sites_in_reach, [1, 2, 0, 2, 1, 1, 0, 1, 0])


def test_2sfca_hands_out_exactly_the_supply_of_sites_that_reach_people() -> None:
    rng = np.random.default_rng(7)
    demand_xy, sites_xy = rng.uniform(0, 10_000, (400, 2)), rng.uniform(0, 10_000, (30, 2))
    people, supply = rng.integers(1, 500, 400), rng.uniform(10, 200, 30)
    radii = rng.uniform(800, 3000, 30)
    result = two_step_fca(lonlat(demand_xy), people, lonlat(sites_xy), supply, radii)
    reaching = result.catchment_demand > 0
    assert (people * result.score).sum() == pytest.approx(supply[reaching].sum(), rel=1e-12)


def test_e2sfca_step_zones_on_a_grid() -> None:
    # One site at the centre, radius 1500 m: zones end at 500, 1000 (edges: 0.68) and 1500 m
    # (corners at 1414 m: 0.22). Weighted demand 300 + 0.68 x 600 + 0.22 x 300 = 774.
    result = two_step_fca(
        on_ground(GRID_XY),
        GRID_PEOPLE,
        on_ground([(1000.0, 1000.0)]),
        [90.0],
        [1500.0],
        decay=Decay("step"),
    )
    ratio = 90.0 / 774.0
    np.testing.assert_allclose(result.catchment_demand, [774.0])
    expected = ratio * np.array([0.22, 0.68, 0.22, 0.68, 1.0, 0.68, 0.22, 0.68, 0.22])
    np.testing.assert_allclose(result.score, expected)


def test_gaussian_decay_is_one_at_the_site_and_falls_with_distance() -> None:
    w = Decay("gaussian", sigma_ratio=0.5).weights(np.array([0.0, 500.0, 1000.0]), np.array(1e3))
    np.testing.assert_allclose(w, [1.0, math.exp(-0.5), math.exp(-2.0)])


def test_the_catchment_edge_counts_and_a_site_on_a_village_reaches_it() -> None:
    pairs = reach_pairs(lonlat([(0.0, 0.0), (3.0, 4.0), (3.0, 4.001)]), lonlat([(0.0, 0.0)]), [5.0])
    assert sorted(pairs.demand.tolist()) == [0, 1]
    np.testing.assert_allclose(sorted(pairs.distance_m.tolist()), [0.0, 5.0], atol=1e-9)


def test_per_site_radii_limit_each_catchment() -> None:
    points = lonlat([(0.0, 0.0), (900.0, 0.0)])
    pairs = reach_pairs(points, points, [100.0, 1000.0])
    assert sorted(zip(pairs.site.tolist(), pairs.demand.tolist(), strict=True)) == [
        (0, 0),
        (1, 0),
        (1, 1),
    ]


def test_no_sites_or_no_villages_give_zero_scores() -> None:
    assert two_step_fca(on_ground(GRID_XY), GRID_PEOPLE, np.zeros((0, 2)), [], []).score.sum() == 0
    empty = two_step_fca(np.zeros((0, 2)), [], on_ground([(0.0, 0.0)]), [5.0], [100.0])
    assert empty.score.shape == (0,)
    np.testing.assert_array_equal(empty.ratio, [0.0])


def test_township_score_is_the_demand_weighted_mean() -> None:
    frame = township_scores([0.1, 0.3, 0.5, 9.0], [100, 300, 0, 5], ["T1", "T1", "T2", None])
    assert frame.loc["T1", "score"] == pytest.approx((10 + 90) / 400)
    assert math.isnan(frame.loc["T2", "score"])
    assert "None" not in frame.index and len(frame) == 2


def test_decay_rejects_unknown_kinds_and_bad_weights() -> None:
    with pytest.raises(ValueError, match="kind"):
        Decay("linear")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="steps"):
        Decay("step", steps=(1.0, -0.5))


# --- PySAL access as the reference ----------------------------------------------------------


def _access_reference(
    demand_xy: np.ndarray,
    people: np.ndarray,
    sites_xy: np.ndarray,
    supply: np.ndarray,
    radius: float,
    weight_fn: object = None,
) -> np.ndarray:
    access = pytest.importorskip("access")
    demand = gpd.GeoDataFrame(
        {"id": np.arange(len(demand_xy)), "pop": people},
        geometry=gpd.points_from_xy(*demand_xy.T),
        crs=ground_crs(),
    )
    sites = gpd.GeoDataFrame(
        {"sid": np.arange(len(sites_xy)), "cap": supply},
        geometry=gpd.points_from_xy(*sites_xy.T),
        crs=ground_crs(),
    )
    model = access.Access(
        demand_df=demand,
        demand_index="id",
        demand_value="pop",
        supply_df=sites,
        supply_index="sid",
        supply_value="cap",
    )
    model.create_euclidean_distance(threshold=1e9)
    scores = model.two_stage_fca(
        name="ref", cost="euclidean", max_cost=radius, weight_fn=weight_fn
    )["ref_cap"]
    return scores.reindex(np.arange(len(demand_xy))).fillna(0.0).to_numpy()


# access calls pandas' deprecated ``inplace=True``; that is its business, not a failure here.
pysal_warnings = pytest.mark.filterwarnings("ignore:The inplace keyword")


@pytest.fixture
def random_instance() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2024)
    demand_xy = rng.uniform(-4000, 4000, (150, 2))
    sites_xy = rng.uniform(-4000, 4000, (12, 2))
    return demand_xy, rng.integers(1, 400, 150).astype(float), sites_xy, rng.uniform(5, 90, 12)


@pytest.mark.slow
@pysal_warnings
def test_2sfca_equals_pysal_access(random_instance: tuple[np.ndarray, ...]) -> None:
    demand_xy, people, sites_xy, supply = random_instance
    ours = two_step_fca(lonlat(demand_xy), people, lonlat(sites_xy), supply, 2000.0).score
    reference = _access_reference(demand_xy, people, sites_xy, supply, 2000.0)
    assert (ours > 0).sum() > 50
    np.testing.assert_allclose(ours, reference, rtol=1e-9, atol=0)


@pytest.mark.slow
@pysal_warnings
def test_e2sfca_equals_pysal_access_with_its_step_and_gaussian_weights(
    random_instance: tuple[np.ndarray, ...],
) -> None:
    weights = pytest.importorskip("access.weights")
    demand_xy, people, sites_xy, supply = random_instance
    r = 2400.0
    step = weights.step_fn({r / 3: 1.0, 2 * r / 3: 0.68, r: 0.22})
    for decay, weight_fn in ((Decay("step"), step), (Decay("gaussian"), weights.gaussian(r / 2))):
        ours = two_step_fca(lonlat(demand_xy), people, lonlat(sites_xy), supply, r, decay=decay)
        ours = ours.score
        reference = _access_reference(demand_xy, people, sites_xy, supply, r, weight_fn)
        # The ground frame is exact to about 1e-7 away from its origin; PySAL measures in it.
        np.testing.assert_allclose(ours, reference, rtol=1e-6, atol=0)


# --- dataset level ---------------------------------------------------------------------------

TO_WGS84 = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)
ORIGIN = (600_000.0, 3_750_000.0)  # UTM 50N, near Suqian


def _lonlat(x: float, y: float) -> Point:
    return Point(TO_WGS84.transform(ORIGIN[0] + x, ORIGIN[1] + y))


def _grid_dataset() -> Dataset:
    """The 3 x 3 grid: left column in township T1, the rest in T2; two sites, one township row.

    Catchments of 1050 m keep the 1 km neighbours clear of the edge after the round trip
    through lon/lat.
    """
    ids = [f"V{i}" for i in range(9)] + ["TL"]
    return build_dataset(
        groups=(Group("elders", "老人", 1050.0), Group("children", "儿童", 500.0)),
        townships={
            "code": ["T1", "T2"],
            "name": ["一镇", "二镇"],
            "geometry": [
                box(*_lonlat(-500, -500).coords[0], *_lonlat(500, 2500).coords[0]),
                box(*_lonlat(500, -500).coords[0], *_lonlat(2500, 2500).coords[0]),
            ],
        },
        sites={
            "id": ["A", "B", "C"],
            "kind": ["station", "station", "organization"],
            "groups": [("elders",), ("elders",), ("children",)],
            "radius_m": [np.nan, 1050.0, np.nan],
            "capacity": [90.0, np.nan, 5.0],
            "township": ["T2", "T1", "T2"],
            "geometry": [_lonlat(1000, 1000), _lonlat(0, 0), _lonlat(2000, 2000)],
        },
        demand={
            "id": ids,
            "name": ids,
            "township": ["T1" if x == 0 else "T2" for x, _ in GRID_XY] + ["T2"],
            "elders": [*GRID_PEOPLE.astype(int), 500],
            "geometry": [_lonlat(x, y) for x, y in GRID_XY] + [None],
        },
        name="grid",
    )


def test_compute_access_on_a_dataset_matches_the_grid() -> None:
    # As the first grid test, but B has no capacity (taken as 1): R_B = 1 / 400.
    result = compute_access(_grid_dataset(), "elders")
    ra, rb = 0.1, 1 / 400
    expected = [rb, ra + rb, 0, ra + rb, ra, ra, 0, ra, 0]
    np.testing.assert_allclose(result.points["score"], expected, rtol=1e-9)
    assert result.unreached == ("V2", "V6", "V8")
    assert result.unlocated == ("TL",)
    assert result.supply_defaulted == ("B",)
    towns = result.townships.set_index("code")
    t1 = (100 * rb + 100 * (ra + rb) + 50 * 0) / 250
    assert towns.loc["T1", "score"] == pytest.approx(t1)
    assert towns.loc["T1", "demand"] == 250


def test_points_with_a_site_in_reach_are_the_ones_coverage_counts_as_covered() -> None:
    dataset = _grid_dataset()
    reached = compute_access(dataset, "elders").points.set_index("id")["sites_in_reach"] > 0
    covered = compute_coverage(dataset, ["elders"]).point_covered["elders"].dropna()
    pd.testing.assert_series_equal(
        reached, covered.astype(bool).reindex(reached.index), check_names=False
    )


def test_compute_access_e2sfca_and_json_shape() -> None:
    result = compute_access(_grid_dataset(), "elders", method="e2sfca")
    assert result.decay == Decay("step")
    payload = access_to_json(result)
    assert payload["group"] == "elders" and payload["method"] == "e2sfca"
    # Zones of 350 m: B weighs its own village 1 and the two 1 km away 0.22: R_B = 1 / 166.
    assert payload["points"][0] == {"id": "V0", "township": "T1", "score": pytest.approx(1 / 166)}
    assert [t["code"] for t in payload["townships"]] == ["T1", "T2"]
    assert payload["unreached"] == ["V2", "V6", "V8"]


def test_compute_access_rejects_decay_with_plain_2sfca_and_unknown_methods() -> None:
    with pytest.raises(ValueError, match="e2sfca"):
        compute_access(_grid_dataset(), "elders", decay="gaussian")
    with pytest.raises(ValueError, match="`method` must be one of '2sfca', 'e2sfca'; got '3sfca'"):
        compute_access(_grid_dataset(), "elders", method="3sfca")
    with pytest.raises(ValueError, match=r"`group_code` must be one of .*; got 'nobody'"):
        compute_access(_grid_dataset(), "nobody")


# --- travel time -----------------------------------------------------------------------------


def test_minutes_and_metres_round_trip_with_the_detour_factor() -> None:
    # 15 minutes walking at 4.5 km/h is 1125 m of road, 1125 / 1.3 m in a straight line.
    assert minutes_to_metres(15) == pytest.approx(1125 / 1.3)
    assert minutes_to_metres(10, mode="car", detour=1.0) == pytest.approx(5000.0)
    # Elders on foot at 45 m/min: 30 minutes is 1350 m of road, about 1 km in a straight line.
    assert minutes_to_metres(30, mode="walking_slow") == pytest.approx(1350 / 1.3)
    assert metres_to_minutes(minutes_to_metres(12.5, mode="ebike"), mode="ebike") == 12.5
    np.testing.assert_allclose(minutes_to_metres([0, 60], speed_kmh=6, detour=1.2), [0, 5000])


def test_travel_rejects_unknown_modes_and_impossible_factors() -> None:
    assert travel_mode("ebike").display("en") == "E-bike"
    with pytest.raises(ValueError, match="mode"):
        minutes_to_metres(10, mode="horse")
    with pytest.raises(ValueError, match="detour"):
        minutes_to_metres(10, detour=0.8)
    with pytest.raises(ValueError, match="minutes"):
        minutes_to_metres(-1)


# --- command line ----------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parent.parent / "data" / "suyu"


def test_cli_access_json_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["access", str(DEMO), "--group", "elders_left_behind", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"group", "method", "points", "townships"} <= set(doc)
    assert doc["group"] == "elders_left_behind" and doc["method"] == "2sfca"
    assert len(doc["townships"]) == 12
    assert set(doc["points"][0]) == {"id", "township", "score"}
    assert all(p["score"] >= 0 for p in doc["points"])
    zero = {p["id"] for p in doc["points"] if p["score"] == 0}
    assert set(doc["unreached"]) <= zero


def test_cli_access_by_label_in_a_table_and_unknown_groups(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["access", str(DEMO), "--group", "留守老人", "--method", "e2sfca"]) == 0
    assert "e2sfca" in capsys.readouterr().out
    assert main(["access", str(DEMO), "--group", "nobody", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "nobody" in captured.err and "Traceback" not in captured.err
