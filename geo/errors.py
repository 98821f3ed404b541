"""Problems found in input data, and the one exception that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as possible.

    Parameters
    ----------
    code
        Stable key of the message template in ``geo.text.messages`` (e.g. ``"missing_column"``).
    file
        File name as the user knows it (``"sites.csv"``), or ``"dataset.toml"``.
    row
        Row number as the user sees it: the spreadsheet row (header is row 1, so the first data
        row is 2) for CSV/XLSX, the 1-based feature number for GeoJSON/GeoPackage/Shapefile.
    column
        Column name as written in the file, when the problem is about one column.
    params
        Values substituted into the message template (``expected``, ``found``, ids, ...).
    severity
        ``"error"`` makes the dataset invalid; ``"warning"`` is reported but the data loads.
    """

    code: str
    file: str
    row: int | None = None
    column: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    severity: Severity = "error"

    def message(self, lang: str = "zh") -> str:
        """The problem as one sentence in ``lang`` (``"zh"`` or ``"en"``)."""
        from geo.text.messages import render_problem

        return render_problem(self, lang)

    def to_json(self, lang: str = "zh") -> dict[str, object]:
        """The problem as a JSON object: code, file, row, column and the message in ``lang``."""
        return {
            "code": self.code,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message(lang),
        }


class DatasetError(Exception):
    """Raised once, at the edge, when input data has one or more errors.

    ``problems`` holds every problem found (errors and warnings), not just the first.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.report("en"))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def report(self, lang: str = "zh") -> str:
        """Every problem, one per line, in ``lang``."""
        return "\n".join(p.message(lang) for p in self.problems)
