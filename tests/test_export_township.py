"""One page per township: an A4 PDF whose text (found by pypdf) holds the township's figures,
its villages out of reach with the nearest site, its sites and projects; all at once as one
PDF; from the CLI; and the map export zoomed to a township."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from _export_data import make_dataset

from geo.cli.commands import main
from geo.export.maps import map_figure, project_layers, zoom_to_township
from geo.export.township import write_township_sheets
from geo.io.load import load_dataset
from geo.summary import Summary, summarize

pypdf = pytest.importorskip("pypdf")
DEMO = str(Path(__file__).resolve().parents[1] / "data" / "suyu")
DAY = date(2026, 3, 8)
LAILONG = "321311108"


@pytest.fixture(scope="module")
def summary() -> Summary:
    return summarize(make_dataset())


def _texts(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def test_a_township_sheet_holds_its_figures_villages_sites_and_projects(
    summary: Summary, tmp_path: Path
) -> None:
    path = write_township_sheets(summary, tmp_path / "s.pdf", codes=[LAILONG], day=DAY)
    (text,) = _texts(path)
    width, height = pypdf.PdfReader(path).pages[0].mediabox[2:]
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 portrait, points
    assert "来龙镇服务覆盖一页纸" in text and "示例数据" in text and "2026年3月8日" in text
    # out of reach in 来龙镇: the far village (100 elders, 20 children) and the near one's 30
    # children (its station serves elders only); the nearest station serving children is
    # 振友社区驿站 in 新庄镇
    assert "远村3" in text and "近村3" in text and "振友社区驿站" in text
    assert "未覆盖村居（2 个）" in text
    assert "来龙日间照料中心" in text  # its site
    assert "护苗成长" in text  # the project that names it
    people = int(summary.townships.at[LAILONG, "people"])
    assert f"{people:,}" in text
    assert "全区" in text and "排名" in text


def test_a_village_without_a_name_is_listed_by_its_id(tmp_path: Path) -> None:
    dataset = make_dataset()
    demand = dataset.demand.copy()
    far = demand["name"] == "远村3"
    demand.loc[far, "name"] = None
    summary = summarize(replace(dataset, demand=demand))
    path = write_township_sheets(summary, tmp_path / "s.pdf", codes=[LAILONG], day=DAY)
    (text,) = _texts(path)
    assert str(demand.loc[far, "id"].iloc[0]) in text and "远村3" not in text


def test_every_township_in_one_pdf_in_english(summary: Summary, tmp_path: Path) -> None:
    path = write_township_sheets(summary, tmp_path / "all.pdf", lang="en", day=DAY)
    texts = _texts(path)
    assert len(texts) == 3
    for name, text in zip(("顺河街道", "新庄镇", "来龙镇"), texts, strict=True):
        assert f"{name}: one-page summary" in text
    assert "Page 1 of 3" in texts[0] or "1 / 3" in texts[0] or "1/3" in texts[0]


def test_the_cli_writes_one_township_or_all(tmp_path: Path) -> None:
    one = tmp_path / "lailong.pdf"
    assert main(["export", DEMO, "--what", "township", "--township", LAILONG,
                 "--out", str(one)]) == 0  # fmt: skip
    (text,) = _texts(one)
    assert "来龙镇服务覆盖一页纸" in text
    by_name = tmp_path / "named.pdf"
    assert main(["export", DEMO, "--what", "township", "--township", "来龙镇", "新庄镇",
                 "--out", str(by_name)]) == 0  # fmt: skip
    assert len(_texts(by_name)) == 2
    every = tmp_path / "all.pdf"
    assert main(["export", DEMO, "--what", "township", "--out", str(every)]) == 0
    assert len(pypdf.PdfReader(every).pages) == 12


def test_an_unknown_township_exits_2_naming_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["export", DEMO, "--what", "township", "--township", "321311999",
                 "--out", str(tmp_path / "x.pdf")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "321311999" in err and "来龙镇 (321311108)" in err
    assert list(tmp_path.iterdir()) == []


def test_the_map_export_zooms_to_the_open_township() -> None:
    summary = summarize(load_dataset(DEMO), groups=["disabled"])
    layers = project_layers(summary.dataset)
    whole = map_figure(summary, layers=layers, day=DAY).axes[0]
    zoomed = map_figure(summary, layers=layers, day=DAY).axes[0]
    zoom_to_township(zoomed, layers, LAILONG)
    minx, miny, maxx, maxy = layers.townships.loc[[LAILONG]].total_bounds
    x0, x1 = zoomed.get_xlim()
    y0, y1 = zoomed.get_ylim()
    assert x0 <= minx and x1 >= maxx and y0 <= miny and y1 >= maxy
    assert (y1 - y0) < 0.6 * (whole.get_ylim()[1] - whole.get_ylim()[0])
