"""How much a dataset may hold, and zip archives opened within those limits.

Every reader stays within a memory budget that does not depend on what a file claims: a layer
file is refused above :data:`MAX_FILE_BYTES` before it is read; a zip (an uploaded dataset, a
zipped Shapefile, an XLSX workbook) is checked member by member against the sizes its central
directory declares, and then inflated in chunks that stop at the declared size, so a directory
that lies about its sizes ends in a damaged-zip problem instead of an unbounded inflate. Each
refusal is a :class:`~geo.errors.Problem` naming the file and the limit.
"""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from geo.errors import DatasetError, Problem

__all__ = [
    "DAMAGED_ZIP",
    "MAX_ARCHIVE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_NAME_BYTES",
    "MAX_RATIO",
    "check_file_size",
    "check_members",
    "check_name",
    "copy_member",
    "megabytes",
]

MiB = 1024 * 1024
#: One layer file, or one member of a zip once inflated. Fifty times a province's villages
#: (50,000 rows, about 5 MB), yet small enough that the frames built from it fit in memory.
MAX_FILE_BYTES = 64 * MiB
#: Everything in one zip together, once inflated.
MAX_ARCHIVE_BYTES = 256 * MiB
#: Members of one zip (a dataset folder has a handful; an XLSX a few dozen).
MAX_MEMBERS = 1000
#: Inflated / compressed size of one member. Text compresses about 10:1, a DBF of blank padding
#: some 100:1; zip bombs go to 1000:1 and beyond. Small members are not held to it.
MAX_RATIO = 200
_RATIO_FROM_BYTES = MiB
#: One part of a member's path, in UTF-8 bytes (what file systems allow).
MAX_NAME_BYTES = 255
_CHUNK = MiB

# What a damaged zip raises while it is opened or inflated: a bad header or CRC, a broken
# deflate/bzip2/lzma stream (bz2 raises OSError), a name that is not UTF-8 though flagged so,
# encryption, a compression method Python lacks.
DAMAGED_ZIP: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    EOFError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    OSError,
    zlib.error,
)


def megabytes(size: int) -> str:
    """``size`` bytes as people read it: ``"64 MB"``, ``"0.3 MB"``."""
    value = size / MiB
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"


def _refuse(code: str, file: str, **params: object) -> DatasetError:
    return DatasetError([Problem(code, file, params=params)])


def check_file_size(path: Path) -> None:
    """Refuse a layer file larger than :data:`MAX_FILE_BYTES` before reading any of it.

    Raises
    ------
    DatasetError
        ``file_too_big`` naming the file, its size and the limit.
    """
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _refuse(
            "file_too_big", path.name, found=megabytes(size), limit=megabytes(MAX_FILE_BYTES)
        )


def check_members(archive: zipfile.ZipFile, file: str) -> list[zipfile.ZipInfo]:
    """The members of ``archive`` (folders included), once every stated limit holds.

    Checks the count, each name, each declared size and ratio, the total declared size, and
    that no path is both a file and a folder (``d/x`` beside ``d/x/y``).

    Raises
    ------
    DatasetError
        One problem naming ``file``, the member and the limit it exceeds.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse("zip_too_many", file, found=len(members), limit=MAX_MEMBERS)
    total = 0
    files: set[str] = set()
    folders: set[str] = set()
    for info in members:
        check_name(info.filename, file)
        if info.file_size > MAX_FILE_BYTES:
            raise _refuse(
                "zip_member_too_big",
                file,
                member=info.filename,
                found=megabytes(info.file_size),
                limit=megabytes(MAX_FILE_BYTES),
            )
        if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _refuse(
                "zip_ratio", file, member=info.filename, found=f"{ratio}:1", limit=f"{MAX_RATIO}:1"
            )
        total += info.file_size
        parts = PurePosixPath(info.filename).parts
        folders.update("/".join(parts[:i]).casefold() for i in range(1, len(parts)))
        if not info.is_dir():
            files.add("/".join(parts).casefold())
    if total > MAX_ARCHIVE_BYTES:
        raise _refuse(
            "zip_too_big", file, found=megabytes(total), limit=megabytes(MAX_ARCHIVE_BYTES)
        )
    clash = sorted(files & folders)
    if clash:
        raise _refuse("zip_path_conflict", file, member=clash[0])
    return members


def check_name(name: str, file: str) -> None:
    """Refuse a path with a part longer than :data:`MAX_NAME_BYTES` in UTF-8 (``file`` names it)."""
    for part in PurePosixPath(name).parts:
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > MAX_NAME_BYTES:
            shown = part[:40] + "…"
            raise _refuse("zip_name_too_long", file, member=shown, found=size, limit=MAX_NAME_BYTES)


def copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, file: str) -> None:
    """Inflate one member to ``target`` in bounded chunks.

    zipfile stops inflating at the size the directory declares and then checks the CRC, so a
    member that holds more than it claims fails here, having used one chunk of memory.

    Raises
    ------
    DatasetError
        ``zip_member_damaged`` naming ``file`` and the member: damaged, forged or encrypted.
    """
    try:
        with archive.open(info) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, _CHUNK)
    except DAMAGED_ZIP as error:
        target.unlink(missing_ok=True)
        raise _refuse("zip_member_damaged", file, member=info.filename) from error
