"""Station siting (maximal covering): hand-checked cases, spopt + CBC as the exact reference."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyproj
import pytest
from builder import build_dataset
from ground import lonlat
from pyproj import Transformer
from shapely.geometry import Point, box

from geo.cli.commands import main
from geo.cover import cover_matrix, solve_max_cover
from geo.coverage import compute_coverage
from geo.dataset import Dataset, Group
from geo.errors import DatasetError
from geo.io.candidates import read_candidates
from geo.siting import add_stations, siting_to_json, suggest_sites

# --- the solver on matrices ------------------------------------------------------------------


def _matrix(rows: list[list[int]], n: int) -> np.ndarray:
    dense = np.zeros((len(rows), n))
    for r, cols in enumerate(rows):
        dense[r, cols] = 1
    return dense


def test_the_solver_beats_greedy_where_greedy_is_trapped() -> None:
    # Candidate 0 covers the four middle points (4), candidates 1 and 2 cover two of them plus
    # one outer point each (3 + 3). Greedy takes 0 then 1: 5. The optimum is {1, 2}: 6.
    cover = _matrix([[1, 2, 3, 4], [0, 1, 2], [3, 4, 5]], 6)
    solution = solve_max_cover(cover, np.ones(6), 2)
    assert sorted(solution.chosen.tolist()) == [1, 2]
    assert solution.gains.tolist() == [3.0, 3.0]
    assert solution.covered == 6.0 and solution.optimal


def test_gains_are_marginal_and_in_the_order_chosen() -> None:
    cover = _matrix([[0, 1], [1, 2, 3], [3, 4]], 5)
    solution = solve_max_cover(cover, np.array([5.0, 1, 1, 1, 7]), 3)
    # Best pair {0, 2} covers 5 + 1 + 1 + 7 = 14; then 1 adds point 2 (1).
    assert solution.chosen.tolist() == [2, 0, 1]
    assert solution.gains.tolist() == [8.0, 6.0, 1.0]
    assert solution.covered == 15.0


def test_no_more_sites_than_reach_someone_new() -> None:
    cover = _matrix([[0], [0], [1]], 3)
    solution = solve_max_cover(cover, np.array([2.0, 3.0, 0.0]), 5)
    assert sorted(solution.chosen.tolist()) == [0, 2] and solution.gains.sum() == 5.0
    assert solve_max_cover(cover, np.ones(3), 0).chosen.size == 0
    with pytest.raises(ValueError, match="count"):
        solve_max_cover(cover, np.ones(3), -1)


def test_cover_matrix_counts_the_edge() -> None:
    places = lonlat([(0.0, 0.0), (300.0, 400.0), (300.0, 400.1)])
    cover = cover_matrix(places[:1], places, 500.0)
    assert cover.toarray().tolist() == [[1.0, 1.0, 0.0]]


# --- spopt's MCLP with CBC as the exact reference --------------------------------------------


def _clustered(n: int, seed: int, extent: float) -> tuple[np.ndarray, np.ndarray]:
    """Villages in clusters (market towns and their hamlets): lon/lat, people per village."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, extent, (max(3, n // 40), 2))
    xy = centres[rng.integers(0, len(centres), n)] + rng.normal(0, extent / 25, (n, 2))
    return lonlat(xy - extent / 2), rng.integers(5, 200, n).astype(float)


def _geodesic_cost(points: np.ndarray) -> np.ndarray:
    """Every pair's geodesic distance: the cost matrix spopt is given."""
    a, b = np.repeat(points, len(points), axis=0), np.tile(points, (len(points), 1))
    _, _, dist = pyproj.Geod(ellps="WGS84").inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.asarray(dist).reshape(len(points), len(points))


def _spopt_optimum(xy: np.ndarray, people: np.ndarray, radius: float, k: int) -> float:
    pulp = pytest.importorskip("pulp")
    locate = pytest.importorskip("spopt.locate")
    cost = _geodesic_cost(xy)
    model = locate.MCLP.from_cost_matrix(cost, people, radius, k)
    model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    return float(pulp.value(model.problem.objective))


# spopt builds PuLP models the way PuLP 3 deprecates; the answers are still exact.
spopt_warnings = [
    pytest.mark.filterwarnings("ignore:Constructing LpVariable"),
    pytest.mark.filterwarnings("ignore:PULP_CBC_CMD is deprecated"),
]


# Clustered villages; the first three are where greedy alone lands at 95-96% of the optimum.
INSTANCES = [
    (300, 5, 1500.0, 14),
    (500, 10, 2500.0, 14),
    (300, 10, 1500.0, 15),
    (120, 4, 1500.0, 1),
    (400, 10, 1500.0, 4),
    (800, 15, 1500.0, 5),
]


@pytest.mark.parametrize(("n", "k", "radius", "seed"), INSTANCES)
@pytest.mark.slow
@spopt_warnings[0]
@spopt_warnings[1]
def test_siting_matches_the_exact_optimum_of_spopt_with_cbc(
    n: int, k: int, radius: float, seed: int
) -> None:
    xy, people = _clustered(n, seed, extent=20_000.0)
    optimum = _spopt_optimum(xy, people, radius, k)
    ours = solve_max_cover(cover_matrix(xy, xy, radius), people, k)
    assert ours.covered >= 0.98 * optimum
    if n <= 500:
        assert ours.covered == optimum
    assert ours.bound >= optimum - 1e-6  # the reported bound is a true bound


@pytest.mark.slow
@spopt_warnings[0]
@spopt_warnings[1]
def test_greedy_alone_falls_short_where_the_solver_does_not() -> None:
    # Guards the reference test from being trivial: plain greedy on the first instance.
    n, k, radius, seed = INSTANCES[0]
    xy, people = _clustered(n, seed, extent=20_000.0)
    optimum = _spopt_optimum(xy, people, radius, k)
    cover = cover_matrix(xy, xy, radius).toarray()
    uncovered, greedy = np.ones(n, dtype=bool), 0.0
    for _ in range(k):
        gains = cover @ (people * uncovered)
        greedy += gains.max()
        uncovered &= cover[int(np.argmax(gains))] == 0
    assert greedy < 0.96 * optimum
    assert solve_max_cover(cover, people, k).covered == optimum


@pytest.mark.slow
@spopt_warnings[0]
@spopt_warnings[1]
def test_existing_sites_count_as_spopt_predefined_facilities() -> None:
    pulp = pytest.importorskip("pulp")
    locate = pytest.importorskip("spopt.locate")
    xy, people = _clustered(150, 11, extent=15_000.0)
    existing = np.array([3, 40, 77])
    cost = _geodesic_cost(xy)
    predefined = np.zeros(len(xy))
    predefined[existing] = 1
    model = locate.MCLP.from_cost_matrix(cost, people, 1200.0, 3 + 5, predefined)
    model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    reached = (cost[:, existing] <= 1200.0).any(axis=1)
    ours = solve_max_cover(cover_matrix(xy, xy, 1200.0), people * ~reached, 5)
    assert people[reached].sum() + ours.covered == pulp.value(model.problem.objective)


# --- datasets --------------------------------------------------------------------------------

TO_WGS84 = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)
ORIGIN = (600_000.0, 3_750_000.0)  # UTM 50N, near Suqian


def _lonlat(x: float, y: float) -> Point:
    return Point(TO_WGS84.transform(ORIGIN[0] + x, ORIGIN[1] + y))


def _row_dataset() -> Dataset:
    """Villages along a road every 1 km (x = 0..9 km) in two townships; one station at x = 0.

    Radius 1.2 km: a station reaches its own village and the two next to it; the existing one
    reaches V0 and V1 (20 people). Greedy would take V6 (V5..V7: 127) and then V8 or V9 (90):
    217; the optimum is V4 (V3..V5: 113) and V8 (V7..V9: 110): 223.
    """
    people = [10, 10, 10, 10, 3, 100, 7, 20, 80, 10]
    return build_dataset(
        groups=(Group("elders", "老人", 1200.0),),
        townships={
            "code": ["W", "E"],
            "name": ["西镇", "东镇"],
            "geometry": [
                box(*_lonlat(-500, -500).coords[0], *_lonlat(4500, 500).coords[0]),
                box(*_lonlat(4500, -500).coords[0], *_lonlat(9500, 500).coords[0]),
            ],
        },
        sites={
            "id": ["S1"],
            "name": ["站1"],
            "groups": [("elders",)],
            "township": ["W"],
            "geometry": [_lonlat(0.0, 0.0)],
        },
        demand={
            "id": [f"V{i}" for i in range(10)],
            "name": [f"村{i}" for i in range(10)],
            "township": ["W"] * 5 + ["E"] * 5,
            "elders": people,
            "geometry": [_lonlat(1000.0 * i, 0.0) for i in range(10)],
        },
        name="row",
    )


def test_suggest_sites_keeps_existing_stations_and_reports_gains() -> None:
    dataset = _row_dataset()
    result = suggest_sites(dataset, "elders", 2)
    assert result.covered_before == 20 and result.demand == 260
    assert result.suggestions["candidate_id"].tolist() == ["V4", "V8"]
    assert result.suggestions["gain"].tolist() == [113.0, 110.0]
    assert result.suggestions["township"].tolist() == ["W", "E"]
    assert result.covered_after == 243 and result.optimal
    covered = compute_coverage(dataset, ["elders"]).covered["elders"].sum()
    assert result.covered_before == pytest.approx(covered)


def test_suggest_sites_with_a_radius_and_fewer_useful_sites_than_asked() -> None:
    result = suggest_sites(_row_dataset(), "elders", 10, radius_m=5000.0)
    assert result.covered_after == result.demand == 260
    assert len(result.suggestions) == 1  # one station at V4 or V5 reaches V2..V9
    with pytest.raises(ValueError, match="radius_m"):
        suggest_sites(_row_dataset(), "elders", 1, radius_m=-1.0)


def test_siting_json_has_the_cli_keys() -> None:
    payload = siting_to_json(suggest_sites(_row_dataset(), "elders", 1))
    assert {"group", "radius_m", "covered_before", "covered_after", "suggestions"} <= set(payload)
    first = payload["suggestions"][0]
    assert set(first) >= {"rank", "lon", "lat", "township", "gain", "candidate_id"}
    # One station alone is best at V6 (V5..V7: 127).
    assert first["rank"] == 1 and first["gain"] == 127 and isinstance(first["gain"], int)
    assert first["lon"] == pytest.approx(_lonlat(6000.0, 0.0).x)


def test_uploaded_candidates_with_chinese_headers(tmp_path: Path) -> None:
    dataset = _row_dataset()
    spots = [_lonlat(2500.0, 0.0), _lonlat(8000.0, 0.0), _lonlat(30_000.0, 0.0)]
    lines = ["编号,名称,经度,纬度"] + [
        f"C{i},点{i},{p.x:.7f},{p.y:.7f}" for i, p in enumerate(spots)
    ]
    path = tmp_path / "候选点.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    candidates = read_candidates(path, dataset)
    assert candidates["township"].tolist() == ["W", "E", None]
    result = suggest_sites(dataset, "elders", 1, candidates=candidates)
    assert result.suggestions["candidate_id"].tolist() == ["C1"]
    assert result.suggestions["gain"].tolist() == [110.0]  # V7..V9


def test_bad_candidate_files_report_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "candidates.csv"
    path.write_text("id,lon,lat\nA,118.1,33.9\nA,abc,33.9\nB,33.9,118.1\n", encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        read_candidates(path, _row_dataset())
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["bad_value", "duplicate_value", "lat_lon_swapped"]
    assert {p.row for p in caught.value.problems} == {3, 4}
    path.write_text("名称,经度\n甲,118.1\n", encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        read_candidates(path, _row_dataset())
    assert [p.params["name"] for p in caught.value.problems] == ["id", "lat"]


def test_add_stations_is_a_what_if_for_coverage_and_siting() -> None:
    dataset = _row_dataset()
    point = _lonlat(5000.0, 0.0)
    changed = add_stations(dataset, [point.x], [point.y], ("elders",))
    assert len(dataset.sites) == 1 and changed.sites["id"].tolist() == ["S1", "new-1"]
    assert changed.sites["township"].tolist() == ["W", "E"]
    after = suggest_sites(changed, "elders", 1)
    assert after.covered_before == 20 + 110
    assert after.suggestions["candidate_id"].tolist() == ["V8"]
    with pytest.raises(ValueError, match="groups"):
        add_stations(dataset, [point.x], [point.y], ("nobody",))


# --- command line ----------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parent.parent / "data" / "suyu"


def test_cli_suggest_json_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["suggest", str(DEMO), "--group", "disabled", "--count", "3", "--json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"group", "radius_m", "covered_before", "covered_after", "suggestions"} <= set(doc)
    assert [s["rank"] for s in doc["suggestions"]] == [1, 2, 3]
    gains = [s["gain"] for s in doc["suggestions"]]
    assert doc["covered_after"] == doc["covered_before"] + sum(gains)
    assert gains == sorted(gains, reverse=True)
    assert 118 < doc["suggestions"][0]["lon"] < 119 and 33 < doc["suggestions"][0]["lat"] < 35


def test_cli_suggest_with_candidates_radius_and_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "candidates.csv"
    good.write_text("编号,经度,纬度\nA,118.31,33.96\nB,118.50,34.05\n", encoding="utf-8")
    args = ["suggest", str(DEMO), "--group", "disabled", "--count", "1", "--radius-m", "1500"]
    assert main([*args, "--candidates", str(good), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["radius_m"] == 1500 and doc["suggestions"][0]["candidate_id"] in {"A", "B"}
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,经度\nA,118.31\n", encoding="utf-8")
    assert main([*args, "--candidates", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "纬度" in err and "Traceback" not in err
    assert main(["suggest", str(DEMO), "--group", "disabled", "--count", "-1"]) == 2
    assert main(["suggest", str(DEMO), "--group", "nobody", "--count", "1"]) == 2
    assert main(["suggest", str(DEMO), "--group", "disabled", "--count", "2"]) == 0
    assert "翠园社区" in capsys.readouterr().out  # the proven optimum on the demo
