"""``python -m geo export``: files by extension, exit 0 / 2 like the other commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from geo.cli.commands import main

DEMO = str(Path(__file__).resolve().parents[1] / "data" / "suyu")


def test_map_png_from_the_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nested" / "map.png"
    code = main(["export", DEMO, "--what", "map", "--view", "coverage", "--group", "残疾人",
                 "--size", "16x9", "--date", "2026-03-08", "--out", str(out)])  # fmt: skip
    assert code == 0
    assert str(out) in capsys.readouterr().out
    with Image.open(out) as image:
        assert image.size == (4000, 2250)


def test_tables_csv_and_xlsx(tmp_path: Path) -> None:
    assert main(["export", DEMO, "--what", "tables", "--out", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["export", DEMO, "--what", "tables", "--out", str(tmp_path / "t.xlsx")]) == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--what", "map", "--out", "m.docx"], "“.png”、“.svg”、“.pdf” 之一，实际为 “.docx”"),
        (["--what", "pack", "--out", "p.png"], ".pdf"),
        (["--what", "map", "--group", "nobody", "--out", "m.png"], "nobody"),
        (["--what", "map", "--indicator", "happiness", "--out", "m.png"], "happiness"),
        (["--what", "html", "--date", "8/3/2026", "--out", "m.html"], "YYYY-MM-DD"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    *head, out = options
    code = main(["export", DEMO, *head, str(tmp_path / out)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_missing_dataset_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["export", str(tmp_path / "nothing"), "--what", "html", "--out",
                 str(tmp_path / "m.html")])  # fmt: skip
    assert code == 2
    assert "nothing" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("what", "extension", "magic"),
    [
        ("map", ".png", b"\x89PNG"),
        ("map", ".pdf", b"%PDF"),
        ("tables", ".xlsx", b"PK"),
        ("html", ".html", b"<!DOCTYPE html>"),
    ],
)
def test_export_bytes_for_download_buttons(what: str, extension: str, magic: bytes) -> None:
    from _export_data import make_dataset

    from geo.cli.export import ExportOptions, export_bytes
    from geo.summary import summarize

    data = export_bytes(summarize(make_dataset()), what, extension, ExportOptions(view="funding"))
    assert data.startswith(magic)
