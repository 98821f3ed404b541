"""Chinese text must draw and embed on a machine without any CJK system font."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from fontTools.ttLib import TTFont
from matplotlib.figure import Figure

from geo.text import fonts

pypdf = pytest.importorskip("pypdf")

TEXT = "宿豫区 顺河街道 覆盖率 56.7% 留守老人"


@pytest.fixture(scope="module")
def bundled() -> fonts.CjkFont:
    return fonts.ensure_cjk_font(prefer_system=False)


def draw(rc: dict[str, object], fmt: str = "png") -> bytes:
    with mpl.rc_context(rc):
        fig = Figure(figsize=(3, 1))
        fig.text(0.05, 0.5, TEXT, fontsize=12)
        fig.text(0.05, 0.1, TEXT, fontsize=12, fontweight="bold")
        out = io.BytesIO()
        fig.savefig(out, format=fmt)
    return out.getvalue()


def test_the_bundled_font_is_openly_licensed_and_installed() -> None:
    source = fonts.bundled_variable_font()
    assert source is not None, "justmytype-intl-cjk is a runtime dependency"
    licence = (source.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence.upper()


def test_bundled_font_covers_the_probe_and_is_static(bundled: fonts.CjkFont) -> None:
    assert bundled.source == "bundled"
    assert fonts.missing_glyphs(fonts.CJK_PROBE, bundled.regular) == ""
    assert bundled.bold is not None
    with TTFont(str(bundled.bold), lazy=True) as font:
        assert "fvar" not in font
        assert font["OS/2"].usWeightClass == 700
        assert font["name"].getDebugName(1) == "Noto Sans SC"


def test_missing_glyphs_names_what_a_latin_font_lacks() -> None:
    dejavu = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    assert fonts.missing_glyphs("A宿A 豫", dejavu) == "宿豫"


def test_chinese_draws_without_a_missing_glyph_warning(bundled: fonts.CjkFont) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw(fonts.cjk_rc_params(bundled))
    assert [str(w.message) for w in caught] == []


def test_a_latin_only_font_would_be_caught() -> None:
    rc = {"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}
    with pytest.warns(UserWarning, match="missing from font"):
        draw(rc)


def test_pdf_embeds_truetype_and_keeps_the_text_searchable(bundled: fonts.CjkFont) -> None:
    reader = pypdf.PdfReader(io.BytesIO(draw(fonts.cjk_rc_params(bundled), "pdf")))
    page = reader.pages[0]
    assert "宿豫区 顺河街道" in page.extract_text()
    descendants = [
        font.get_object()["/DescendantFonts"][0].get_object()
        for font in page["/Resources"]["/Font"].values()
    ]
    assert any("NotoSansSC" in str(d["/BaseFont"]) for d in descendants)
    assert all("/FontFile2" in d["/FontDescriptor"] for d in descendants)


def test_system_search_never_returns_our_own_instances(
    bundled: fonts.CjkFont, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Our instances are registered with matplotlib; let their family be the only one searched.
    monkeypatch.setattr(fonts, "SYSTEM_FAMILIES", (bundled.family,))
    assert fonts.find_system_cjk_font() is None
    # With the cache folder elsewhere the same search finds them: the folder check skips them.
    monkeypatch.setattr(fonts, "font_cache_dir", lambda: tmp_path)
    found = fonts.find_system_cjk_font()
    assert found is not None
    assert found.regular.resolve().parent == bundled.regular.resolve().parent


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ATLAS_FONT_CACHE", str(tmp_path))
    assert fonts.font_cache_dir() == tmp_path
    monkeypatch.delenv("ATLAS_FONT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fonts.font_cache_dir() == tmp_path / "service-atlas" / "fonts"


def test_unknown_style_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="`style` must be one of"):
        fonts.build_static_instance(tmp_path / "x.ttf", "Thin", cache_dir=tmp_path)
