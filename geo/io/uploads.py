"""Turn uploaded files (a zip of a dataset folder, or the files themselves) into a folder.

The folder is then validated and loaded like any other dataset folder; nothing here judges
the content.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from geo.errors import DatasetError, Problem
from geo.io.config import FILE as CONFIG_FILE
from geo.io.limits import DAMAGED_ZIP, check_members, check_name, copy_member
from geo.io.readers import LAYER_SUFFIXES
from geo.text.i18n import t

__all__ = ["UploadError", "replace_layer_file", "unpack_upload"]


class UploadError(ValueError):
    """An uploaded zip that cannot be unpacked, told in the UI language by :meth:`message`.

    Parameters
    ----------
    reason
        ``"not_zip"``, ``"unsafe_path"``, ``"wrong_format"`` (catalog key ``upload.<reason>``)
        or ``"limit"``, a limit of :mod:`geo.io.limits`, told by ``problem``.
    file
        The uploaded file's name, as the user chose it.
    detail
        The offending path inside the zip (``"unsafe_path"``), or the accepted formats
        (``"wrong_format"``).
    problem
        The limit exceeded, for ``"limit"``.
    """

    def __init__(
        self, reason: str, *, file: str, detail: str = "", problem: Problem | None = None
    ) -> None:
        self.reason, self.file, self.detail, self.problem = reason, file, detail, problem
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The problem as one sentence in ``lang`` (``"zh"`` or ``"en"``)."""
        if self.problem is not None:
            return self.problem.message(lang)
        return t(f"upload.{self.reason}", lang, file=self.file, detail=self.detail)


def unpack_upload(files: Iterable[tuple[str, bytes]], folder: Path) -> Path:
    """Write the uploaded files into ``folder`` and return the dataset folder among them.

    Parameters
    ----------
    files
        ``(file name, content)`` pairs. A ``.zip`` (but not ``.shp.zip``, a zipped Shapefile
        layer) is unpacked within the limits of :mod:`geo.io.limits`, member by member in
        bounded chunks; other files are written as they are.
    folder
        An empty folder to write into.

    Returns
    -------
    pathlib.Path
        The folder holding ``dataset.toml`` (it may be a subfolder of a zip), else ``folder``.

    Raises
    ------
    UploadError
        For a zip that cannot be read, that would unpack outside ``folder``, or that exceeds
        a limit (size, ratio, members, name length); for a file name too long to write.
    """
    for name, data in files:
        base = PurePosixPath(name.replace("\\", "/")).name
        try:
            check_name(base, base)
        except DatasetError as error:
            raise UploadError("limit", file=base, problem=error.problems[0]) from error
        if base.lower().endswith(".zip") and not base.lower().endswith(".shp.zip"):
            _extract_zip(data, folder, name=base)
        else:
            (folder / base).write_bytes(data)
    tomls = sorted(folder.rglob("dataset.toml"), key=lambda p: len(p.parts))
    return tomls[0].parent if tomls else folder


def _extract_zip(data: bytes, folder: Path, *, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED_ZIP as error:
        raise UploadError("not_zip", file=name) from error
    with archive:
        try:
            members = [m for m in check_members(archive, name) if not m.is_dir()]
            for member in members:
                parts = PurePosixPath(member.filename).parts
                if "__MACOSX" in parts:
                    continue
                if member.filename.startswith("/") or ".." in parts:
                    raise UploadError("unsafe_path", file=name, detail=member.filename)
                target = folder.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                copy_member(archive, member, target, name)
        except DatasetError as error:
            raise UploadError("limit", file=name, problem=error.problems[0]) from error


def replace_layer_file(folder: Path, layer: str, name: str, data: bytes) -> Path:
    """Put an uploaded file in place of one layer (or of dataset.toml) in a dataset folder.

    The file keeps its format but takes the layer's name (``2026站点.xlsx`` becomes
    ``sites.xlsx``); every other file of that layer is removed, so that the folder holds
    exactly one file per layer. The folder is then validated as a whole by the caller.

    Parameters
    ----------
    folder
        A dataset folder (e.g. a stored version exported by ``Store.export``).
    layer
        ``"townships"``, ``"sites"``, ``"demand"``, ``"projects"`` or ``"dataset.toml"``.
    name, data
        The uploaded file's name and content.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    UploadError
        ``wrong_format`` when the file's format is not one the layer accepts.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    lowered = base.lower()
    if layer == CONFIG_FILE:
        accepted: tuple[str, ...] = (".toml",)
    else:
        accepted = LAYER_SUFFIXES[layer]
    suffix = next((s for s in sorted(accepted, key=len, reverse=True) if lowered.endswith(s)), None)
    if suffix is None:
        raise UploadError("wrong_format", file=base, detail=" ".join(accepted))
    target = folder / (CONFIG_FILE if layer == CONFIG_FILE else layer + suffix)
    if layer != CONFIG_FILE:
        for old in folder.iterdir():
            if old.is_file() and old.name.lower().startswith(layer + "."):
                old.unlink()
    target.write_bytes(data)
    return target
