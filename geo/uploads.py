"""Turn uploaded files (a zip of a dataset folder, or the files themselves) into a folder.

The folder is then validated and loaded like any other dataset folder; nothing here judges
the content.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

__all__ = ["UploadError", "unpack_upload"]

MAX_UNPACKED_BYTES = 500 * 1024 * 1024


class UploadError(ValueError):
    """The upload is not a readable zip, or it holds no dataset files."""


def unpack_upload(files: Iterable[tuple[str, bytes]], folder: Path) -> Path:
    """Write the uploaded files into ``folder`` and return the dataset folder among them.

    Parameters
    ----------
    files
        ``(file name, content)`` pairs. A ``.zip`` (but not ``.shp.zip``, a zipped Shapefile
        layer) is unpacked; other files are written as they are.
    folder
        An empty folder to write into.

    Returns
    -------
    pathlib.Path
        The folder holding ``dataset.toml`` (it may be a subfolder of a zip), else ``folder``.

    Raises
    ------
    UploadError
        For a zip that cannot be read or that would unpack outside ``folder``.
    """
    for name, data in files:
        base = PurePosixPath(name.replace("\\", "/")).name
        if base.lower().endswith(".zip") and not base.lower().endswith(".shp.zip"):
            _extract_zip(data, folder)
        else:
            (folder / base).write_bytes(data)
    tomls = sorted(folder.rglob("dataset.toml"), key=lambda p: len(p.parts))
    return tomls[0].parent if tomls else folder


def _extract_zip(data: bytes, folder: Path) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UploadError(str(error)) from error
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            msg = "the zip unpacks to more than 500 MB"
            raise UploadError(msg)
        for member in members:
            parts = PurePosixPath(member.filename).parts
            if member.filename.startswith("/") or ".." in parts or "__MACOSX" in parts:
                if "__MACOSX" in parts:
                    continue
                msg = f"unsafe path in the zip: {member.filename}"
                raise UploadError(msg)
            target = folder.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
