"""The two errors of the library: problems in input data, and argument values that do not fit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
        """The problems that are errors (the rest are warnings)."""
        return tuple(p for p in self.problems if p.severity == "error")

    def report(self, lang: str = "zh") -> str:
        """Every problem, one per line, in ``lang``."""
        return "\n".join(p.message(lang) for p in self.problems)


class OptionError(ValueError):
    """An argument value that does not fit: names the argument, what fits and what came.

    A ``ValueError``, so library callers catch it as usual; the command line turns it into
    exit code 2 with :meth:`message` in the user's language.

    Parameters
    ----------
    argument
        The argument as the caller wrote it (``"groups"``, ``"method"``, ``"--budget"``).
    received
        The value that does not fit (for several values, the ones that do not fit).
    allowed
        The values that fit, when they can be listed.
    expected
        Otherwise a catalog key (``option.expected.*``) describing what fits.
    params
        Values for the placeholders of ``expected``.

    Examples
    --------
    >>> str(OptionError("method", "3sfca", allowed=("2sfca", "e2sfca")))
    "`method` must be one of '2sfca', 'e2sfca'; got '3sfca'."
    """

    def __init__(
        self,
        argument: str,
        received: object,
        *,
        allowed: Sequence[object] = (),
        expected: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.argument = argument
        self.received = received
        self.allowed = tuple(allowed)
        self.expected = expected
        self.params = dict(params or {})
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The error as one sentence in ``lang`` (``"zh"`` or ``"en"``)."""
        from geo.text.i18n import t

        received = _listed(self.received, lang)
        if self.allowed:
            allowed = _listed(self.allowed, lang)
            return t("option.choice", lang, argument=self.argument, allowed=allowed, got=received)
        what = t(self.expected or "option.expected.valid", lang, **self.params)
        return t("option.expected", lang, argument=self.argument, expected=what, got=received)


def _listed(value: object, lang: str) -> str:
    """``'a'`` / ``“a”``: a value or several, strings quoted in the manner of ``lang``."""
    values = value if isinstance(value, list | tuple) else (value,)
    return ("、" if lang == "zh" else ", ").join(_quoted(v, lang) for v in values)


def _quoted(value: object, lang: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, str) and lang == "zh":
        return f"“{value}”"
    return repr(value)


def check_choice(argument: str, received: str, allowed: Iterable[str]) -> str:
    """``received`` if it is one of ``allowed``, else an :class:`OptionError`.

    Examples
    --------
    >>> check_choice("view", "coverage", ("indicator", "coverage"))
    'coverage'
    """
    choices = tuple(allowed)
    if received not in choices:
        raise OptionError(argument, received, allowed=choices)
    return received
