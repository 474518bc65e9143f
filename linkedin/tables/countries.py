"""Countries: ISO 3166-1 alpha-2 codes, and the checker that turns names and aliases into them.

- ``country``: ISO 3166-1 alpha-2, upper case. Country names, alpha-3 codes and common
  aliases ("United States", "UK", "Deutschland", "usa") get the code as their fix, which
  is applied unless ``apply_fixes=False`` (the table is ``countries.csv`` beside this file).

Kept apart from ``identifiers`` because it is its own small world: a table of a few hundred
countries read once, and a checker that works on a column's dictionary, not its cells.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables.checks import (
    EMPTY_PROBLEMS,
    Checked,
    any_true,
    blank_to_null,
    filled_mask,
    keep,
    scatter,
    strings,
    trim,
    upper_case,
)
from linkedin.tables.lengths import COUNTRY_CHARS, capped


def _country_key(text: str) -> str:
    """How a country is looked up: accents, case, punctuation and spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, str], dict[str, str]]:
    """(alpha-2 -> English name, lookup key -> alpha-2) from ``countries.csv``."""
    names: dict[str, str] = {}
    keys: dict[str, str] = {}
    with open(Path(__file__).with_name("countries.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["alpha2"]
            names[code] = row["name"]
            for alias in (row["alpha3"], row["name"], *filter(None, row["aliases"].split("|"))):
                keys.setdefault(_country_key(alias), code)
    return names, keys


def _explain_country(v: str) -> tuple[str, str | None]:
    names, keys = countries()
    code = keys.get(_country_key(v))
    if code is None:
        return "not an ISO 3166 alpha-2 country code", None
    if len(v) == 3 and v.isalpha():
        return f"a three-letter code; LinkedIn expects two letters ({code} for {names[code]})", code
    if len(v) == 2:
        return f"not an ISO 3166 code; {names[code]} is {code}", code
    return f"a country name; LinkedIn expects its ISO 3166 alpha-2 code ({code})", code


@capped(COUNTRY_CHARS, "country")
def check_countries(values: Any, *, apply_fixes: bool = True) -> Checked:
    """ISO 3166-1 alpha-2 codes; names and alpha-3 codes are fixed to their code (or only suggested).

    A country column holds a few hundred distinct spellings, however long it is: each one is
    judged once, on the column's dictionary, and the verdicts are spread back to the cells
    (a million cells: ~35 ms instead of ~100)."""
    raw = strings(values)
    encoded = raw.dictionary_encode()
    at = encoded.indices  # each cell's entry; null for an empty cell
    s = blank_to_null(trim(encoded.dictionary))
    upper = upper_case(s)
    names, _ = countries()
    ok = filled_mask(pc.is_in(upper, value_set=pa.array(sorted(names))))
    other = pc.and_(pc.is_valid(s), pc.invert(ok))
    value = keep(upper, ok)
    given = int(pc.sum(pc.take(pc.is_valid(s), at)).as_py() or 0)
    if not any_true(other):
        return Checked("country", value.take(at), given, EMPTY_PROBLEMS.empty_table())
    told = [_explain_country(v) for v in s.filter(other).to_pylist()]
    problem_of = scatter(len(s), other, pa.array([t[0] for t in told], pa.string()))
    fix_of = scatter(len(s), other, pa.array([t[1] for t in told], pa.string()))
    if apply_fixes:
        value = pc.coalesce(value, fix_of)  # null where ``other`` holds, so the fixes fill exactly those
    index = pc.indices_nonzero(filled_mask(pc.take(other, at)))
    entry = pc.take(at, index)
    fix = pc.take(fix_of, entry)
    fixed = filled_mask(pc.is_valid(fix)) if apply_fixes else pa.array(np.zeros(len(index), bool))
    problems = pa.table([index.cast(pa.int64()), pc.take(raw, index), pc.take(problem_of, entry), fix, fixed],
                        schema=EMPTY_PROBLEMS)
    return Checked("country", value.take(at), given, problems)
