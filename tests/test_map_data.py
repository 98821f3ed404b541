"""The parts of a map no filter changes are served as files named by their content."""

from __future__ import annotations

import hashlib
import os

import pytest

from dashboard import loader


def test_map_data_is_served_under_the_hash_of_its_content() -> None:
    text = '{"type":"FeatureCollection","features":[]}'
    url = loader.map_data_url(text)
    name, folder = loader._map_data_folder()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert url == f"../{name}/{digest}.json"  # beside the map's frame, as Leaflet's files
    assert (folder / f"{digest}.json").read_text(encoding="utf-8") == text
    assert loader.map_data_url(text) == url  # the same data, the same URL: the browser keeps it
    assert loader.map_data_url(text + " ") != url
    assert not list(folder.glob("*.part"))  # written whole, then renamed


def test_a_server_keeps_only_the_newest_map_data(monkeypatch: pytest.MonkeyPatch) -> None:
    _, folder = loader._map_data_folder()
    for old in folder.glob("*.json"):
        old.unlink()
    monkeypatch.setattr(loader, "MAP_DATA_FILES", 3)
    urls = []
    for k in range(5):
        urls.append(loader.map_data_url(f'{{"k":{k}}}'))
        path = folder / urls[-1].rsplit("/", 1)[-1]
        os.utime(path, (1_000_000 + k, 1_000_000 + k))  # written a second apart
    kept = sorted(p.name for p in folder.glob("*.json"))
    assert kept == sorted(u.rsplit("/", 1)[-1] for u in urls[-3:])
    # the file just written is never the one pruned, even when the clock says it is oldest
    for path in folder.glob("*.json"):
        os.utime(path, (4_000_000_000, 4_000_000_000))
    newest = loader.map_data_url('{"k":"new"}')
    assert (folder / newest.rsplit("/", 1)[-1]).exists()
    assert len(list(folder.glob("*.json"))) == 3
