"""Cells that a spreadsheet shows as text, never runs: the guard against formula injection.

Excel, WPS and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK("http://…"&A1,"click")`` sends the sheet's data away when clicked), and
a leading TAB or CR can hide such a start. Every table the project writes (CSV and XLSX
reports, the Excel templates) passes its text through :func:`inert_frame`, which prefixes
such a cell with an apostrophe, as OWASP recommends. Numbers are left alone: a numeric column
stays numeric, and a text cell that is just a number (``-12.5``) cannot be a formula.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["FORMULA_STARTS", "inert_frame", "inert_text"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def inert_text(value: object) -> object:
    """``value`` with an apostrophe in front when it is text that a spreadsheet would run.

    Parameters
    ----------
    value
        A cell. Anything but a ``str`` is returned as it is.

    Returns
    -------
    object
        ``"'=1+1"`` for ``"=1+1"``; ``"-12.5"`` and ``-12.5`` unchanged.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers are made inert by :func:`inert_text`.

    Only object and string columns are touched, so numeric columns keep their dtype (and
    their Excel number formats).
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            out.isetitem(position, column.map(inert_text).to_numpy())
    out.columns = [inert_text(c) for c in out.columns]
    return out
