"""A Chinese font for matplotlib on any machine, with or without a system CJK font.

Maps and PDFs must print 宿豫区 as characters, not as empty boxes, on a freshly installed office
PC or server that has no CJK font. The font therefore comes through the package registry with
the project: Noto Sans SC (SIL Open Font License 1.1) from the ``justmytype-intl-cjk`` wheel.
That file is a *variable* font whose default instance is the Thin weight, and matplotlib cannot
pick a weight on a variable axis; so the first use cuts static Regular (400) and Bold (700)
instances with fontTools (about 10 s each, once) into a cache folder, and later uses only
register the cached files.

A system CJK font is preferred when one is present, but only one with TrueType outlines:
matplotlib embeds fonts in PDF as Type 42 (TrueType), and a CFF-outline OpenType font (Noto
Sans CJK / Source Han Sans as Linux distributions ship them) ends up as a font program that
does not match its declared type, which strict PDF readers reject. A CFF system font is used
only when the bundled font is missing.
"""

from __future__ import annotations

import functools
import os
import tempfile
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from geo.errors import check_choice

__all__ = [
    "CJK_PROBE",
    "CjkFont",
    "apply_cjk_font",
    "build_static_instance",
    "bundled_variable_font",
    "cjk_rc_params",
    "ensure_cjk_font",
    "find_system_cjk_font",
    "font_cache_dir",
    "missing_glyphs",
]

#: Characters every candidate font must have: the district, the groups and map furniture.
CJK_PROBE = "宿豫区顺河街道新庄镇覆盖缺口示意边界留守老人残疾困境儿童北比例尺元万人（）、：％"

#: Families known to carry Simplified Chinese, best first (Windows, macOS, Linux).
SYSTEM_FAMILIES = (
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "SimHei",
    "Heiti SC",
    "Hiragino Sans GB",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)

BUNDLED_FAMILY = "Noto Sans SC"
BUNDLED_PACKAGE = "justmytype_intl_cjk"
_WEIGHTS = {"Regular": 400, "Bold": 700}
# Tables matplotlib never reads; dropping them before instancing halves the time.
_UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "STAT", "vmtx", "vhea")

Source = Literal["system", "bundled", "system-cff"]

# One build at a time: a web server may ask for the font from several threads at once.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class CjkFont:
    """The Chinese font registered with matplotlib.

    Attributes
    ----------
    family
        The family name to put first in ``font.sans-serif``.
    regular, bold
        Font files (``bold`` is None when the family has no bold face).
    source
        ``"system"`` (a TrueType-outline system font), ``"bundled"`` (Noto Sans SC from the
        package) or ``"system-cff"`` (a CFF system font, used only without the bundled one).
    """

    family: str
    regular: Path
    bold: Path | None
    source: Source


def font_cache_dir() -> Path:
    """The folder for the static font instances.

    ``ATLAS_FONT_CACHE`` when set, else ``$XDG_CACHE_HOME/service-atlas/fonts``, else
    ``~/.cache/service-atlas/fonts``.
    """
    explicit = os.environ.get("ATLAS_FONT_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "service-atlas" / "fonts"


def bundled_variable_font() -> Path | None:
    """The Noto Sans SC variable font file shipped by ``justmytype-intl-cjk``, or None."""
    try:
        root = resources.files(BUNDLED_PACKAGE)
    except ModuleNotFoundError:
        return None
    folder = Path(str(root)) / "fonts" / "ofl" / "notosanssc"
    found = sorted(folder.glob("NotoSansSC*.ttf"))
    return found[0] if found else None


def missing_glyphs(text: str, font_file: Path | str) -> str:
    """The characters of ``text`` (spaces and controls aside) that ``font_file`` has no glyph for.

    Parameters
    ----------
    text
        Any text, e.g. every label drawn on a map.
    font_file
        A TrueType/OpenType file (the first face of a collection).

    Returns
    -------
    str
        The missing characters, each once, in order of first appearance; empty if none.
    """
    font = FT2Font(str(font_file))
    wanted = dict.fromkeys(ch for ch in text if ch.isprintable() and not ch.isspace())
    return "".join(ch for ch in wanted if font.get_char_index(ord(ch)) == 0)


def find_system_cjk_font(*, truetype_only: bool = True) -> CjkFont | None:
    """The best Simplified-Chinese font installed on this machine, or None.

    Parameters
    ----------
    truetype_only
        Accept only fonts with TrueType (``glyf``) outlines, which embed cleanly in PDF.

    Returns
    -------
    CjkFont or None
        The first family of ``SYSTEM_FAMILIES`` that is installed, covers ``CJK_PROBE`` and
        (when asked) has TrueType outlines.
    """
    cache = font_cache_dir().resolve()
    by_family: dict[str, list[font_manager.FontEntry]] = {}
    for entry in font_manager.fontManager.ttflist:
        if Path(entry.fname).resolve().parent == cache:
            continue  # our own instances of the bundled font, registered earlier
        if entry.name in SYSTEM_FAMILIES and entry.style == "normal":
            by_family.setdefault(entry.name, []).append(entry)
    for family in SYSTEM_FAMILIES:
        entries = by_family.get(family, [])
        regular = _closest_weight(entries, 400)
        if regular is None or missing_glyphs(CJK_PROBE, regular):
            continue
        if truetype_only and not _has_truetype_outlines(regular):
            continue
        bold = _closest_weight([e for e in entries if _weight(e) >= 600], 700)
        source: Source = "system" if truetype_only else "system-cff"
        return CjkFont(family, regular, bold, source)
    return None


def _weight(entry: font_manager.FontEntry) -> int:
    weight = entry.weight
    if isinstance(weight, str):
        return int(font_manager.weight_dict.get(weight, 400))
    return int(weight)


def _closest_weight(entries: list[font_manager.FontEntry], weight: int) -> Path | None:
    if not entries:
        return None
    best = min(entries, key=lambda e: abs(_weight(e) - weight))
    return Path(best.fname)


def _has_truetype_outlines(font_file: Path) -> bool:
    index = {"fontNumber": 0} if font_file.suffix.lower() in {".ttc", ".otc"} else {}
    with TTFont(str(font_file), lazy=True, **index) as font:
        return "glyf" in font


def build_static_instance(source: Path, style: str, *, cache_dir: Path) -> Path:
    """A static ``style`` ("Regular" or "Bold") instance of the variable font ``source``.

    The instance is written once to ``cache_dir`` (atomically, so that two processes
    starting at the same time cannot leave a half-written file) and reused afterwards.

    Parameters
    ----------
    source
        The variable font (a ``wght`` axis).
    style
        ``"Regular"`` (weight 400) or ``"Bold"`` (weight 700).
    cache_dir
        Where the instance lives.

    Returns
    -------
    Path
        The static TrueType file.
    """
    check_choice("style", style, _WEIGHTS)
    target = cache_dir / f"NotoSansSC-{style}-{source.stat().st_size}.ttf"
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    font = _instantiate(source, style)
    handle, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    os.close(handle)
    try:
        font.save(tmp)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _instantiate(source: Path, style: str) -> TTFont:
    from fontTools.varLib import instancer

    font = TTFont(str(source))
    for tag in _UNUSED_TABLES:
        if tag in font:
            del font[tag]
    static = instancer.instantiateVariableFont(font, {"wght": _WEIGHTS[style]})
    _rename(static, style)
    return static


def _rename(font: TTFont, style: str) -> None:
    """Name the instance as a plain static face: family "Noto Sans SC", subfamily ``style``."""
    names = font["name"]
    for name_id in (16, 17, 21, 22, 25):
        names.removeNames(nameID=name_id)
    values = {
        1: BUNDLED_FAMILY,
        2: style,
        3: f"{BUNDLED_FAMILY.replace(' ', '')}-{style};static instance",
        4: f"{BUNDLED_FAMILY} {style}",
        6: f"{BUNDLED_FAMILY.replace(' ', '')}-{style}",
    }
    for name_id, value in values.items():
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    bold = style == "Bold"
    font["OS/2"].fsSelection = (font["OS/2"].fsSelection & ~0b1100001) | (
        0b100000 if bold else 0b1000000
    )
    font["head"].macStyle = 1 if bold else 0


def _bundled_font() -> CjkFont | None:
    source = bundled_variable_font()
    if source is None:
        return None
    cache = font_cache_dir()
    regular = build_static_instance(source, "Regular", cache_dir=cache)
    bold = build_static_instance(source, "Bold", cache_dir=cache)
    return CjkFont(BUNDLED_FAMILY, regular, bold, "bundled")


@functools.cache
def ensure_cjk_font(*, prefer_system: bool = True) -> CjkFont:
    """Find (or build) a Chinese font and register it with matplotlib; idempotent.

    Order: a TrueType-outline system CJK font (when ``prefer_system``), the bundled Noto Sans
    SC, then any CFF system CJK font.

    Parameters
    ----------
    prefer_system
        Look at the system fonts first. Tests pass False to exercise the bundled font.

    Returns
    -------
    CjkFont

    Raises
    ------
    RuntimeError
        When no font with Chinese glyphs can be found: the package that ships the font is not
        installed and the machine has none.
    """
    with _LOCK:
        font = find_system_cjk_font() if prefer_system else None
        font = font or _bundled_font() or find_system_cjk_font(truetype_only=False)
    if font is None:
        msg = (
            "no Chinese font: install the project's dependencies (justmytype-intl-cjk ships "
            "Noto Sans SC) or a CJK system font such as fonts-wqy-microhei."
        )
        raise RuntimeError(msg)
    for path in (font.regular, font.bold):
        if path is not None and font.source == "bundled":
            font_manager.fontManager.addfont(str(path))
    return font


def cjk_rc_params(font: CjkFont) -> dict[str, Any]:
    """The matplotlib rc settings that draw text in ``font`` and embed it in PDF as TrueType.

    Use with ``matplotlib.rc_context(cjk_rc_params(ensure_cjk_font()))``. DejaVu Sans stays
    second in the list so that a symbol the CJK font lacks still has a glyph.
    """
    return {
        "font.family": ["sans-serif"],
        "font.sans-serif": [font.family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "path",
    }


def apply_cjk_font(*, prefer_system: bool = True) -> CjkFont:
    """Register the Chinese font and make it matplotlib's default for this process."""
    font = ensure_cjk_font(prefer_system=prefer_system)
    # the stubs key rcParams by a Literal of every setting name; these names are among them
    mpl.rcParams.update(cjk_rc_params(font))  # type: ignore[arg-type]
    return font
