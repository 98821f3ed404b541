"""Files -> frames: CSV (UTF-8, UTF-8-BOM, GB18030), XLSX, GeoJSON, GeoPackage, zipped Shapefile.

Readers do not interpret values: every attribute cell comes back as a stripped string (``""``
for a blank), so that ids such as ``"001"`` keep their leading zeros and township codes stored as
numbers in GeoJSON (``321311001``) read as the same string as in a CSV. The index of every frame
is the row number the user sees: the spreadsheet row for CSV/XLSX (header = row 1, first data
row = 2; fully empty rows are skipped but keep their numbers) and the 1-based feature number for
spatial files. Row-level problems found while reading (a CSV row with more cells than the header)
are put in ``frame.attrs["problems"]``; a file that cannot be read at all raises
:class:`~geo.errors.DatasetError` with one problem naming the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyogrio
import pyogrio.errors

from geo.errors import DatasetError, Problem
from geo.io.limits import check_file_size, check_members, copy_member

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

__all__ = [
    "LAYER_SUFFIXES",
    "find_layer_file",
    "find_layer_parts",
    "normalize_name",
    "read_layer",
    "read_table",
]

LAYER_SUFFIXES: dict[str, tuple[str, ...]] = {
    "townships": (".geojson", ".gpkg", ".shp.zip"),
    "sites": (".csv", ".xlsx", ".geojson", ".gpkg"),
    "demand": (".csv", ".xlsx", ".geojson"),
    "projects": (".csv", ".xlsx"),
}
TABLE_SUFFIXES = (".csv", ".xlsx")
SPATIAL_SUFFIXES = (".geojson", ".gpkg", ".shp.zip")

# Sheet names accepted for a layer in a workbook besides the layer's own name.
_SHEET_ALIASES = {
    "townships": ("乡镇",),
    "sites": ("站点", "服务点", "组织"),
    "demand": ("需求", "村居"),
    "projects": ("项目", "公益创投"),
}
_MAGIC = (
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/XLSX"),
    (b"\xd0\xcf\x11\xe0", "XLS (Excel 97-2003)"),
    (b"SQLite format 3\x00", "SQLite/GeoPackage"),
    (b"\x1f\x8b", "GZIP"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7Z"),
)
# What a damaged zip (an XLSX is one too) raises while it is opened or read: a bad header or
# CRC, a broken deflate stream, a name that is not UTF-8 though flagged so, encryption, a
# compression method Python lacks, or broken XML inside.
_DAMAGED_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    SyntaxError,
)
# The files of a shapefile that are inflated for GDAL (.cpg names the DBF's encoding).
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# How much of a DBF's records is looked at to guess its encoding.
_ENCODING_SAMPLE = 1024 * 1024
_UNIT_SUFFIX = re.compile(r"\([^()]*\)$")
_IGNORED_IN_NAMES = re.compile(r"[\s_\-]+")
# Names that normalize_name leaves as they are: lower-case ASCII letters, digits and CJK
# unified ideographs (which NFKC and case folding do not change).
_PLAIN_NAME = re.compile(r"[0-9a-z\u4e00-\u9fff]+")


def normalize_name(name: object) -> str:
    """The form in which column names, group labels and codes are compared.

    Full-width characters become half-width (NFKC), case is folded, spaces, underscores and
    hyphens are removed, and a trailing unit in brackets is dropped, so that ``"Radius_m"``,
    ``"radius m"`` and ``"radius_m（米）"`` all compare equal, as do ``"服务半径(米)"`` and
    ``"服务半径"``.

    Parameters
    ----------
    name
        A header, label or code as written by the user.

    Returns
    -------
    str
        The normalised key.
    """
    if isinstance(name, str) and _PLAIN_NAME.fullmatch(name):
        return name  # the common case, a code or a Chinese name: nothing to change
    text = unicodedata.normalize("NFKC", str(name)).strip().casefold()
    text = text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    without_unit = _UNIT_SUFFIX.sub("", text).strip()
    return _IGNORED_IN_NAMES.sub("", without_unit or text)


def find_layer_file(folder: Path | str, stem: str) -> Path | None:
    """The file of layer ``stem`` in ``folder`` (file names compared case-insensitively).

    Parameters
    ----------
    folder
        The dataset folder.
    stem
        ``"townships"``, ``"sites"``, ``"demand"`` or ``"projects"``.

    Returns
    -------
    Path or None
        The one file with an accepted suffix (see :data:`LAYER_SUFFIXES`), or ``None`` when the
        folder holds no file for the layer.

    Raises
    ------
    DatasetError
        ``file_ambiguous`` when two accepted files exist for the layer (``sites.csv`` and
        ``sites.xlsx``); ``file_unsupported`` when only files of another format exist
        (``sites.xls``).
    """
    accepted = LAYER_SUFFIXES[stem]
    matches: list[Path] = []
    unsupported: list[Path] = []
    for path in sorted(Path(folder).iterdir()):
        name = path.name.lower()
        if not name.startswith(stem + ".") or not path.is_file():
            continue
        (matches if name[len(stem) :] in accepted else unsupported).append(path)
    if len(matches) > 1:
        files = [p.name for p in matches]
        raise DatasetError([Problem("file_ambiguous", files[0], params={"files": files})])
    if not matches and unsupported:
        expected = [stem + suffix for suffix in accepted]
        raise DatasetError(
            [Problem("file_unsupported", unsupported[0].name, params={"expected": expected})]
        )
    return matches[0] if matches else None


def find_layer_parts(folder: Path | str, stem: str) -> list[Path]:
    """The files of layer ``stem``: ``<stem>.<ext>`` and the parts ``<stem>-<part>.<ext>``.

    A layer may come in several files of the same kind, one per township for instance
    (``sites-仰化镇.xlsx``, ``sites-来龙镇.xlsx``); the caller combines them. The main file
    follows :func:`find_layer_file`; parts are sorted by name.

    Raises
    ------
    DatasetError
        As :func:`find_layer_file`, and ``file_unsupported`` for a part in another format.
    """
    main = find_layer_file(folder, stem)
    accepted = LAYER_SUFFIXES[stem]
    parts: list[Path] = []
    for path in sorted(Path(folder).iterdir()):
        name = path.name.lower()
        if not name.startswith(stem + "-") or not path.is_file():
            continue
        if not any(name.endswith(suffix) for suffix in accepted):
            expected = [f"{stem}-…{suffix}" for suffix in accepted]
            problem = Problem("file_unsupported", path.name, params={"expected": expected})
            raise DatasetError([problem])
        parts.append(path)
    return ([main] if main is not None else []) + parts


def read_layer(path: Path | str) -> pd.DataFrame:
    """Read one layer file: a table of strings, with a ``geometry`` column for spatial formats.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx``, ``.geojson``, ``.gpkg`` or ``.shp.zip`` file.

    Returns
    -------
    DataFrame or GeoDataFrame
        Attribute cells as stripped strings, indexed by the row/feature number the user sees.
        A spatial file gives a GeoDataFrame in the CRS the file declares (``None`` if it
        declares none); reprojection and datum shifts are the caller's business.

    Raises
    ------
    DatasetError
        With one problem naming the file when it cannot be read at all.
    """
    path = Path(path)
    name = path.name.lower()
    if name.endswith(TABLE_SUFFIXES):
        return read_table(path)
    if name.endswith(SPATIAL_SUFFIXES):
        return _read_spatial(path)
    raise DatasetError([Problem("file_unsupported", path.name, params={"expected": ".csv"})])


def read_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV or XLSX table as strings (see the module docstring for rows and cells).

    CSV: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (a superset of the GBK that
    Excel in China saves by default); comma, tab or semicolon separated. XLSX: the sheet named
    like the layer (``sites`` or its Chinese name), else the first sheet.

    Parameters
    ----------
    path
        The ``.csv`` or ``.xlsx`` file.

    Returns
    -------
    DataFrame
        One ``str`` column per header cell, indexed by spreadsheet row number.

    Raises
    ------
    DatasetError
        One problem naming the file: empty, binary, undecodable, not a workbook, not CSV.
    """
    path = Path(path)
    data = _read_bytes(path)
    if path.name.lower().endswith(".xlsx"):
        frame = _parse_xlsx(path, data)
    else:
        frame = _parse_csv(path.name, _decode_text(path.name, data))
    return _finish_table(frame)


def _fail(code: str, file: str, **params: object) -> DatasetError:
    return DatasetError([Problem(code, file, params=params)])


def _read_bytes(path: Path) -> bytes:
    try:
        check_file_size(path)
        data = path.read_bytes()
    except OSError as error:
        raise _fail("file_unreadable", path.name, reason=error.strerror or str(error)) from error
    if not data[:4096].strip() and not data.strip():
        raise _fail("file_empty", path.name)
    return data


def _sniff_format(data: bytes) -> str | None:
    """The name of a well-known binary format that ``data`` starts with, if any."""
    for magic, label in _MAGIC:
        if data.startswith(magic):
            return label
    return None


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 13))
    return controls > len(head) * 0.05


def _decode_text(file: str, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise _fail("file_encoding", file) from error
    found = _sniff_format(data)
    if found is not None:
        raise _fail("file_format_mismatch", file, found=found, expected="CSV (UTF-8)")
    text = _utf16_without_bom(data)
    if text is not None:
        return text
    if _looks_binary(data):
        raise _fail("file_binary", file)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail("file_encoding", file)


def _utf16_without_bom(data: bytes) -> str | None:
    """Text in UTF-16 without a byte order mark, which looks binary at first sight.

    In such a table the commas, digits and line ends are ASCII, so every other byte is a
    zero: the odd bytes in little-endian, the even ones in big-endian.
    """
    if len(data) % 2 or len(data) < 4:
        return None
    head = data[:4096]
    half = len(head) // 2
    for encoding, zeros, other in (
        ("utf-16-le", head[1::2], head[0::2]),
        ("utf-16-be", head[0::2], head[1::2]),
    ):
        if zeros.count(0) > half * 0.3 and other.count(0) == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if "\x00" in text else text
    return None


def _sniff_delimiter(text: str) -> str:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _parse_csv(file: str, text: str) -> pd.DataFrame:
    sep = _sniff_delimiter(text)
    lines = _plain_lines(text, sep)
    if lines is not None:
        frame = _read_plain_csv(lines, sep)
        if frame is not None:
            return frame
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                index_col=False,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        return _parse_ragged_csv(file, text, sep)
    except pd.errors.EmptyDataError as error:
        raise _fail("file_empty", file) from error
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    if lines is not None:
        problems = _short_plain_rows(file, lines, sep, frame)
    else:
        problems = _short_quoted_rows(file, text, sep, frame) + _unclosed_quote(file, text, frame)
    frame.attrs["problems"] = problems
    return frame


@dataclass(frozen=True)
class _PlainLines:
    """A CSV text without quotes, NULs or lone carriage returns, cut into lines by numpy.

    In such a text each line is a record and each delimiter ends a cell, for pandas, Arrow
    and the csv module alike. In UTF-8 no byte of a CJK character is an ASCII one.
    """

    data: bytes  # the text in UTF-8
    cells: np.ndarray  # cells on each line, the header first
    starts: np.ndarray  # where each line starts in ``data``
    ends: np.ndarray  # where it ends, before its "\n"

    def line(self, position: int) -> str:
        """Line ``position`` (0 = the header) without its line end."""
        return self.data[self.starts[position] : self.ends[position]].decode("utf-8").rstrip("\r")


def _plain_lines(text: str, sep: str) -> _PlainLines | None:
    """The lines of ``text`` and their cells, or ``None`` when it holds a quote, NUL or lone CR."""
    if '"' in text or "\x00" in text or text.count("\r") != text.count("\r\n"):
        return None
    data = text.encode("utf-8")
    chars = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(chars == ord("\n"))
    if len(chars) and chars[-1] != ord("\n"):
        ends = np.append(ends, len(chars))
    starts = np.concatenate([[0], ends[:-1] + 1]).astype(ends.dtype)
    delimiters = np.flatnonzero(chars == ord(sep))
    cells = np.diff(np.searchsorted(delimiters, ends), prepend=0) + 1
    return _PlainLines(data, cells, starts, ends)


def _read_plain_csv(lines: _PlainLines, sep: str) -> pd.DataFrame | None:
    """The quick path of :func:`_parse_csv`: Arrow's CSV reader, eight times faster than pandas'.

    Taken only where both read the same table: every line has the header's number of cells
    (no short, long or blank row to report), the header's names are filled and distinct.
    ``None`` otherwise, and pandas reads the text.
    """
    if len(lines.cells) < 2:
        return None
    header = lines.line(0).split(sep)
    width = len(header)
    chars = np.frombuffer(lines.data, dtype=np.uint8)
    before_end = chars[np.maximum(lines.ends - 1, 0)]
    crlf = (lines.ends > lines.starts) & (before_end == ord("\r"))
    blank = lines.ends - lines.starts - crlf == 0  # a record of one blank cell for pandas
    if (lines.cells != width).any() or blank.any() or len(set(header)) < width:
        return None
    if not all(name.strip() for name in header):
        return None
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(lines.data),
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=header, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep, quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:  # a line longer than Arrow's block, say
        return None
    if table.num_rows != len(lines.cells) - 1:
        return None
    frame: pd.DataFrame = table.to_pandas().astype("str")  # pandas 3.0.0 gives object here
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    frame.attrs["problems"] = []
    return frame


def _short_plain_rows(
    file: str, lines: _PlainLines, sep: str, frame: pd.DataFrame
) -> list[Problem]:
    """Rows with fewer cells than the header, which pandas pads with blanks without a word.

    A deleted delimiter shifts every later cell one column left, so the row is reported
    rather than read with a blank in its last column. A blank line is no row and is skipped.
    """
    width = frame.shape[1]
    cells = lines.cells[1:]
    if len(cells) != len(frame):
        return []  # the two parsers split records differently: nothing safe to say
    problems = []
    for position in np.flatnonzero(cells < width).tolist():  # few: blank or a lost delimiter
        found = lines.line(position + 1).split(sep)
        if any(c.strip() for c in found):
            row = int(frame.index[position])
            problems.append(Problem("short_row", file, row=row, params=_cells(len(found), width)))
    return problems


def _short_quoted_rows(file: str, text: str, sep: str, frame: pd.DataFrame) -> list[Problem]:
    """:func:`_short_plain_rows` by the csv module, which knows the rules of quoted cells."""
    width = frame.shape[1]
    try:
        records = csv.reader(io.StringIO(text), delimiter=sep)
        next(records, None)  # the header
        counts = [(len(r), any(c.strip() for c in r)) for r in records]
    except csv.Error:
        return []  # pandas read it; the unclosed-quote check says what is wrong
    if len(counts) != len(frame):
        return []  # the two parsers split records differently: nothing safe to say
    return [
        Problem("short_row", file, row=int(row), params=_cells(found, width))
        for row, (found, filled) in zip(frame.index, counts, strict=True)
        if filled and found < width
    ]


def _cells(found: int, expected: int) -> dict[str, object]:
    return {"found": found, "expected": expected}


def _unclosed_quote(file: str, text: str, frame: pd.DataFrame) -> list[Problem]:
    """A quote that opens a cell and never closes swallows every row below it into that cell."""
    if text.count('"') % 2 == 0:
        return []
    for column in frame.columns:
        swallowed = frame[column].str.contains("\n", regex=False).to_numpy()
        if swallowed.any():
            row = int(frame.index.to_numpy()[swallowed.argmax()])
            return [Problem("csv_unclosed_quote", file, row=row, column=str(column))]
    return []


def _parse_ragged_csv(file: str, text: str, sep: str) -> pd.DataFrame:
    """Rows of uneven length: the slow path, which can say which row is too long."""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error as error:
        raise _fail("csv_malformed", file, reason=str(error)) from error
    header = _dedupe_header(rows[0])
    width = len(header)
    problems = []
    for number, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row[width:]):
            problems.append(
                Problem(
                    "extra_cells", file, row=number, params={"found": len(row), "expected": width}
                )
            )
        elif len(row) < width and any(cell.strip() for cell in row):
            problems.append(Problem("short_row", file, row=number, params=_cells(len(row), width)))
    cells = [(row + [""] * width)[:width] for row in rows[1:]]
    frame = pd.DataFrame(cells, columns=header, dtype=str, index=range(2, len(cells) + 2))
    frame.attrs["problems"] = problems + _unclosed_quote(file, text, frame)
    return frame


def _dedupe_header(header: list[str]) -> list[str]:
    """Make repeated header cells unique the way pandas does (``id``, ``id.1``)."""
    seen: dict[str, int] = {}
    out = []
    for cell in header:
        if not cell.strip():
            out.append("")  # dropped later with the other unnamed columns
            continue
        count = seen.get(cell, 0)
        out.append(cell if count == 0 else f"{cell}.{count}")
        seen[cell] = count + 1
    return out


def _finish_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip every cell and header, drop fully empty rows, keep the row numbers."""
    problems = frame.attrs.get("problems", [])
    if frame.shape[1]:
        frame = frame.apply(lambda column: column.fillna("").astype(str).str.strip())
        frame = frame.loc[(frame != "").any(axis=1)]
        frame = _skip_title_row(frame)
    frame = frame.rename(columns=lambda c: str(c).strip().lstrip("\ufeff").strip())
    frame = frame.loc[:, [not _is_unnamed(c) for c in frame.columns]]
    frame.attrs["problems"] = problems
    return frame


def _is_unnamed(header: str) -> bool:
    return header.strip() == "" or header.startswith("Unnamed:")


def _skip_title_row(frame: pd.DataFrame) -> pd.DataFrame:
    """A sheet that starts with a title in its first cell (站点名单) has its header below."""
    named = [c for c in frame.columns if not _is_unnamed(str(c))]
    if frame.shape[1] < 2 or len(named) != 1 or frame.empty:
        return frame
    first = frame.iloc[0]
    if int(first.ne("").sum()) < 2:
        return frame
    body = frame.iloc[1:].copy()
    body.columns = _dedupe_header(first.tolist())
    return body


def _parse_xlsx(path: Path, data: bytes) -> pd.DataFrame:
    if not data.startswith(b"PK\x03\x04"):
        found = _sniff_format(data) or ("text/CSV" if not _looks_binary(data) else None)
        if found is not None:
            raise _fail("file_format_mismatch", path.name, found=found, expected=".xlsx")
        raise _fail("xlsx_invalid", path.name, reason="not a zip archive")
    # imported here: openpyxl takes a tenth of a second to import, and most datasets are CSV
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_members(archive, path.name)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (*_DAMAGED_ZIP, InvalidFileException, OSError) as error:
        raise _fail("xlsx_invalid", path.name, reason=str(error) or type(error).__name__) from error
    try:
        sheet = _pick_sheet(workbook, _layer_stem(path))
        rows = [
            (number, [_cell_text(v) for v in values])
            # the stubs give ReadOnlyWorksheet the iter_rows of Worksheet, with a Worksheet self
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)  # type: ignore[misc]
        ]
    except _DAMAGED_ZIP as error:  # the sheets are read, and found damaged, only now
        raise _fail("xlsx_invalid", path.name, reason=str(error) or type(error).__name__) from error
    finally:
        workbook.close()
    return _rows_to_frame(path.name, rows)


def _layer_stem(path: Path) -> str:
    return path.name.split(".", 1)[0].lower()


def _pick_sheet(workbook: Workbook, stem: str) -> ReadOnlyWorksheet:
    """The sheet named like the layer; else the first that holds a table, not a note.

    Forms handed out by offices often open with a sheet of instructions (填表说明) of one
    column, before the table on ``Sheet1``.
    """
    wanted = {stem, *(_SHEET_ALIASES.get(stem, ()))}
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() in wanted:
            return sheet
    for sheet in workbook.worksheets:
        head = sheet.iter_rows(max_row=5, values_only=True)
        if any(sum(value is not None for value in row) >= 2 for row in head):
            return sheet
    return workbook.worksheets[0]


def _rows_to_frame(file: str, rows: list[tuple[int, list[str]]]) -> pd.DataFrame:
    """A frame from numbered worksheet rows; the first non-empty row is the header."""
    filled = [(number, cells) for number, cells in rows if any(cells)]
    if not filled:
        raise _fail("file_empty", file)
    header_number, header = filled[0]
    header = _dedupe_header(header)
    width = len(header)
    body = [(n, (cells + [""] * width)[:width]) for n, cells in filled[1:] if n > header_number]
    return pd.DataFrame(
        [cells for _, cells in body],
        columns=header,
        index=[n for n, _ in body],
        dtype=str,
    )


def _cell_text(value: object) -> str:
    """An Excel cell as the text the user typed (1.0 -> "1", True -> "true")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _read_spatial(path: Path) -> gpd.GeoDataFrame:
    data = _read_bytes(path)
    _check_spatial_magic(path, data)
    if not path.name.lower().endswith(".shp.zip"):
        options, layer = _geojson_encoding(path, data), _pick_layer(path)
        return _read_with_gdal(path, str(path), options, layer, data)
    del data  # the shapefile is inflated to disk in chunks, not held in memory
    with tempfile.TemporaryDirectory(prefix="atlas-shp-") as folder:
        source, options = _shapefile_in_zip(path, Path(folder))
        return _read_with_gdal(path, source, options, None, b"")


def _read_with_gdal(
    path: Path, source: str, options: dict[str, str], layer: str | int | None, data: bytes
) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            # GDAL's complaints (a feature with an unknown geometry type gets none) are
            # reported as the problems they cause by the checks that follow. A ring left open
            # is closed; a geometry beyond repair becomes none.
            warnings.simplefilter("ignore")
            frame = pyogrio.read_dataframe(source, layer=layer, on_invalid="fix", **options)
    except UnicodeDecodeError as error:  # text in an encoding the file does not declare
        raise _fail("file_encoding", path.name) from error
    except pyogrio.errors.DataSourceError as error:
        raise _explain_unreadable(path, data, error) from error
    except (pyogrio.errors.DataLayerError, pyogrio.errors.CRSError) as error:
        raise _fail("layer_unreadable", path.name, reason=_gdal_reason(error, path)) from error
    if not isinstance(frame, gpd.GeoDataFrame):
        raise _fail("no_geometry", path.name)  # an attribute table, e.g. a lone .dbf
    return _spatial_to_strings(frame)


def _geojson_encoding(path: Path, data: bytes) -> dict[str, str]:
    """GeoJSON is UTF-8 by definition, but some Chinese tools write it in GBK."""
    if not path.name.lower().endswith(".geojson"):
        return {}
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return {"encoding": "GB18030"}
    return {}


def _check_spatial_magic(path: Path, data: bytes) -> None:
    """A PNG renamed to .geojson, a CSV renamed to .gpkg: say what the file really holds."""
    expected = {".gpkg": "SQLite/GeoPackage", ".zip": "ZIP/XLSX"}.get(path.suffix.lower())
    found = _sniff_format(data)
    if found == expected:
        return
    if found is None and expected is None:
        if _looks_binary(data):
            raise _fail("file_binary", path.name)
        return
    label = found or ("text" if not _looks_binary(data) else "binary")
    raise _fail("file_format_mismatch", path.name, found=label, expected=path.name)


def _pick_layer(path: Path) -> str | int | None:
    """The layer named like the file's layer, or the only one; several others is a problem."""
    if path.name.lower().endswith(".geojson"):
        return None  # one layer by definition, and listing it would parse the whole file
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL's notes on odd headers; reading reports
            layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError:
        return None  # read_dataframe reports the reason
    if len(layers) <= 1:
        return None
    stem = _layer_stem(path)
    for layer in layers:
        if layer.lower() == stem:
            return layer
    raise _fail("layer_ambiguous", path.name, found=layers, expected=stem)


def _shapefile_in_zip(path: Path, folder: Path) -> tuple[str, dict[str, str]]:
    """Inflate the shapefile in the zip ``path`` into ``folder``; its path and read options.

    Zipping a folder (the usual way on Windows) puts the shapefile in a subfolder of the
    archive; macOS adds ``__MACOSX/._*`` copies. Only the shapefile's own files are inflated,
    each within the limits of :mod:`geo.io.limits`, under a plain name (``layer.shp``), so that
    names in odd encodings or of any length never reach the file system.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            check_members(archive, path.name)
            return _inflate_shapefile(path, archive, folder)
    except _DAMAGED_ZIP as error:
        raise _fail("zip_invalid", path.name) from error


def _inflate_shapefile(
    path: Path, archive: zipfile.ZipFile, folder: Path
) -> tuple[str, dict[str, str]]:
    members = {n.lower(): n for n in archive.namelist() if not _is_zip_junk(n)}
    shapefiles = [archive.getinfo(n) for key, n in members.items() if key.endswith(".shp")]
    shp = _pick_shapefile(path, shapefiles)
    stem = shp.filename[: -len(".shp")]
    lacking = [ext for ext in (".shx", ".dbf") if (stem + ext).lower() not in members]
    if lacking:
        missing = [_zip_label(shp)[: -len(".shp")] + ext for ext in lacking]
        raise _fail("shapefile_incomplete", path.name, missing=missing)
    for ext in _SHAPEFILE_PARTS:
        name = members.get((stem + ext).lower())
        if name is not None:
            copy_member(archive, archive.getinfo(name), folder / ("layer" + ext), path.name)
    return str(folder / "layer.shp"), _dbf_encoding(folder)


def _is_zip_junk(name: str) -> bool:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return name.endswith("/") or name.startswith("__MACOSX/") or base.startswith("._")


def _zip_label(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: names without the UTF-8 flag are often GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _pick_shapefile(path: Path, shapefiles: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    """The one .shp in the archive, or the one named like the layer."""
    if len(shapefiles) == 1:
        return shapefiles[0]
    if not shapefiles:
        raise _fail("shapefile_incomplete", path.name, missing=[".shp"])
    labels = [_zip_label(info) for info in shapefiles]
    stems = [label.rsplit("/", 1)[-1][: -len(".shp")] for label in labels]
    wanted = {_layer_stem(path), *_SHEET_ALIASES.get(_layer_stem(path), ())}
    for info, stem in zip(shapefiles, stems, strict=True):
        if stem.lower() in wanted:
            return info
    raise _fail("layer_ambiguous", path.name, found=sorted(labels), expected=_layer_stem(path))


def _dbf_encoding(folder: Path) -> dict[str, str]:
    """Guess the DBF encoding of a shapefile that has no .cpg (often GBK in China).

    Only the first :data:`_ENCODING_SAMPLE` bytes of the records are looked at.
    """
    if (folder / "layer.cpg").exists():
        return {}
    with (folder / "layer.dbf").open("rb") as dbf:
        dbf.seek(32)
        records = dbf.read(_ENCODING_SAMPLE)
    if records.isascii():
        return {}
    try:
        # a sample may end inside a character: only a final, complete one must decode
        codecs.getincrementaldecoder("utf-8")().decode(records, final=False)
    except UnicodeDecodeError:
        return {"encoding": "GB18030"}
    return {"encoding": "UTF-8"}


def _gdal_reason(error: Exception, path: Path) -> str:
    """GDAL's message without the machine's paths, which mean nothing to the reader."""
    text = str(error).split("; It might help", 1)[0].replace("/vsizip/", "")
    for written in (path.resolve().as_posix(), str(path.resolve()), str(path)):
        text = text.replace(written, path.name)
    return text


def _explain_unreadable(path: Path, data: bytes, error: Exception) -> DatasetError:
    """Turn GDAL's 'not recognized' into what is wrong with a GeoJSON file, where possible."""
    if not path.name.lower().endswith(".geojson"):
        return _fail("layer_unreadable", path.name, reason=_gdal_reason(error, path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _fail("file_encoding", path.name)
    try:
        json.loads(text)
    except json.JSONDecodeError as bad:
        return _fail("json_invalid", path.name, line=bad.lineno, col=bad.colno, reason=bad.msg)
    return _fail("geojson_invalid", path.name)


def _spatial_to_strings(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    columns = {c: _column_text(frame[c]) for c in frame.columns if c != frame.geometry.name}
    out = gpd.GeoDataFrame(
        pd.DataFrame(columns, index=frame.index),
        geometry=frame.geometry.to_numpy(),
        crs=frame.crs,
    )
    out.index = pd.RangeIndex(1, len(out) + 1)
    out.attrs["problems"] = []
    return out


def _column_text(column: pd.Series) -> pd.Series:
    """Attribute values as strings: whole floats without ".0", missing values as ""."""
    if pd.api.types.is_bool_dtype(column):
        return column.map({True: "true", False: "false"}).fillna("").astype(str)
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype=float)
        # beyond 2**53 a float is no longer an exact whole number, and int64 ends at 2**63
        whole = (np.abs(values) < 2.0**53) & (np.mod(values, 1.0) == 0.0)
        text = column.astype(str)
        text[whole] = values[whole].astype(np.int64).astype(str)
        text[np.isnan(values)] = ""
        return text
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.map(lambda v: "" if pd.isna(v) else v.isoformat()).astype(str)
    if column.map(_is_list).any():
        return column.map(_list_text)
    return column.astype(object).where(column.notna(), "").astype(str).str.strip()


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _list_text(value: object) -> str:
    """A GeoJSON list property as the text a user types in a list cell.

    ``["elders", "children"]`` (an array to pyogrio) becomes ``"elders;children"``; other
    values as in any text column.
    """
    if isinstance(value, list | tuple | np.ndarray):
        return ";".join(item for item in _column_text(pd.Series(list(value))) if item)
    return "" if value is None or value is pd.NA or value != value else str(value).strip()
