"""The import contract that keeps the tiers of geo/ apart, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import geo

GEO = Path(__file__).resolve().parent.parent / "geo"
TIERS = ("io", "text", "maps", "export", "cli")
ANALYSIS = sorted(p for p in GEO.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_analysis_modules_are_the_expected_ones() -> None:
    assert {p.stem for p in ANALYSIS} >= {"coverage", "access", "siting", "summary", "funding"}


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.name)
def test_the_analysis_never_imports_io_maps_export_or_cli(path: Path) -> None:
    forbidden = {f"geo.{tier}" for tier in ("io", "maps", "export", "cli")}
    leaks = {
        name
        for name in _imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    }
    assert not leaks, f"{path.name} imports {sorted(leaks)}"


@pytest.mark.parametrize("path", sorted(GEO.rglob("*.py")), ids=lambda p: str(p.relative_to(GEO)))
def test_geo_never_imports_streamlit(path: Path) -> None:
    assert not {n for n in _imported_modules(path) if n.split(".")[0] == "streamlit"}


def test_no_private_modules_are_left_at_the_top() -> None:
    assert not [p.name for p in GEO.glob("_*.py") if p.name not in {"__init__.py", "__main__.py"}]


def test_the_tiers_are_packages() -> None:
    assert all((GEO / tier / "__init__.py").is_file() for tier in TIERS)


@pytest.mark.parametrize("name", geo.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(geo, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = geo.nothing  # type: ignore[attr-defined]
