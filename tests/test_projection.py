"""Tests for geo.projection: the UTM zone picked and metre-true reprojection."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from geo.projection import local_metric_crs, to_metric, utm_zone


def test_suqian_is_in_utm_zone_50_north() -> None:
    crs = local_metric_crs((118.0, 33.7, 118.8, 34.2))
    assert crs.to_epsg() == 32650


def test_southern_hemisphere_uses_327xx() -> None:
    assert local_metric_crs((151.1, -34.0, 151.3, -33.8)).to_epsg() == 32756


@pytest.mark.parametrize(
    ("lon", "zone"), [(-180.0, 1), (-174.01, 1), (-174.0, 2), (0.0, 31), (179.9, 60), (180.0, 60)]
)
def test_utm_zone_edges(lon: float, zone: int) -> None:
    assert utm_zone(lon) == zone


def test_zone_comes_from_the_centre_of_the_total_bounds() -> None:
    # 113.5 is in zone 49 and 121.5 in zone 51; their centre, 117.5, is in zone 50.
    gdf = gpd.GeoDataFrame(geometry=[Point(113.5, 30.0), Point(121.5, 31.0)], crs="EPSG:4326")
    assert local_metric_crs(gdf).to_epsg() == 32650


def test_bounds_of_a_projected_frame_are_taken_in_degrees() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Point(118.4, 33.95)], crs="EPSG:4326").to_crs("EPSG:3857")
    assert local_metric_crs(gdf).to_epsg() == 32650


def test_empty_or_crs_less_data_is_refused() -> None:
    with pytest.raises(ValueError, match="no geometry"):
        local_metric_crs(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"))
    with pytest.raises(ValueError, match="CRS"):
        local_metric_crs(gpd.GeoSeries([Point(118.4, 33.95)]))
    with pytest.raises(ValueError, match="four finite numbers"):
        local_metric_crs((118.0, float("nan"), 119.0, 34.0))


def test_to_metric_measures_metres_not_degrees() -> None:
    # 0.01 degree of longitude at 33.95° N is about 923 m on the ground, not 0.01 and not 1113 m.
    points = gpd.GeoSeries([Point(118.40, 33.95), Point(118.41, 33.95)], crs="EPSG:4326")
    metric = to_metric(points)
    assert metric.crs.to_epsg() == 32650
    distance = metric.iloc[0].distance(metric.iloc[1])
    expected = 0.01 * np.pi / 180 * 6_378_137 * np.cos(np.radians(33.95))
    assert distance == pytest.approx(expected, rel=2e-3)


def test_to_metric_keeps_a_square_of_1_km2() -> None:
    crs = local_metric_crs((118.4, 33.95, 118.4, 33.95))
    square = gpd.GeoSeries([box(0, 0, 1000, 1000)], crs=crs)
    round_trip = to_metric(square.to_crs("EPSG:4326"), crs)
    assert round_trip.area.iloc[0] == pytest.approx(1e6, rel=1e-9)


def test_to_metric_refuses_a_geographic_target() -> None:
    points = gpd.GeoSeries([Point(118.4, 33.95)], crs="EPSG:4326")
    with pytest.raises(ValueError, match="projected CRS"):
        to_metric(points, "EPSG:4490")
    with pytest.raises(ValueError, match="must have a CRS"):
        to_metric(gpd.GeoSeries([Point(118.4, 33.95)]))
