"""Every CSV the app writes, made safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (CSV injection: ``=HYPERLINK(...)`` in a first name).
``to_csv`` writes a DataFrame with such text cells, and such column names, prefixed by a single
quote (``'``), OWASP's recommendation. Plain numbers (``-12``, ``+3.5``) are left as they are:
they are no formula, and a negative amount must stay a number. Hashes (hex) and LinkedIn's
identifiers never start with those characters, so the templates read back unchanged.

Columnar: one anchored pattern per text column (pyarrow), linear in the cells' size.
Nothing here writes to disk: callers get bytes (the app's downloads, the CLI's ``--results``).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_FORMULA_START = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"


def neutralize(values: pa.Array) -> pa.Array:
    """Text values with a formula's first character prefixed by ``'``; nulls and numbers kept."""
    risky = pc.and_(pc.match_substring_regex(values, _FORMULA_START),
                    pc.invert(pc.match_substring_regex(values, _NUMBER)))
    return pc.if_else(pc.fill_null(risky, False), pc.binary_join_element_wise("'", values, ""), values)


def safe_cell(text: str) -> str:
    """One value as ``neutralize`` writes it (for a column name, a single cell)."""
    return neutralize(pa.array([text], pa.string()))[0].as_py()


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot run as formulas."""
    out = frame.copy()
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
            continue
        text = series.map(lambda v: v if isinstance(v, str) or v is None else str(v)) \
            if pd.api.types.is_object_dtype(series.dtype) else series
        values = pa.array(text.where(text.notna(), None), pa.string(), from_pandas=True)
        out.isetitem(i, pd.Series(neutralize(values).to_pandas(), index=out.index, dtype=object))
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame, **options) -> bytes:
    """``frame`` as UTF-8 CSV bytes, safe to open in a spreadsheet (``index=False`` unless given)."""
    options.setdefault("index", False)
    safe = safe_frame(frame)
    # Python 3.11's csv quotes a cell only for the characters of the line terminator: a lone CR
    # in a cell would end the row for every reader unless CR is one of them.
    has_cr = any(safe.iloc[:, i].astype(str).str.contains("\r", regex=False).any() for i in range(safe.shape[1])
                 if safe.iloc[:, i].dtype == object)
    options.setdefault("lineterminator", "\r\n" if has_cr else "\n")
    return safe.to_csv(**options).encode("utf-8")


__all__ = ["neutralize", "safe_cell", "safe_frame", "to_csv"]
