"""The longest cell each field takes, refused by its length alone before any pattern sees it.

Why a module of its own: a pattern's cost grows with its input, and a file from anywhere may
hold a cell of 20,000 dots between two ``@``. The column checkers run RE2 (linear) and the
few Python patterns that explain a refused value or guess a column's content run on short
strings only because of the caps here: every cell longer than any valid value of its field
is refused first (``capped``: one length per cell, no pattern), with a per-row reason that
says so, and the content sniffers skip cells longer than ``SNIFFED`` (``sniffable``).

The cap costs one byte length per cell (1-3 ms for a million emails, measured 2026-12-06 beside
a 110-230 ms email check on a loaded 2-core machine); characters are counted only for the few
cells with more bytes than the cap.

The caps are generous on purpose (stray spaces, an exchange prefix, a URL's path and query):
they bound the work, while the fields' own limits (35 characters for a first name...) stay
with their checkers and their own messages.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables.checks import EMPTY_PROBLEMS, NULL_STRING, Checked, any_true, filled_mask, strings

EMAIL_CHARS = 320  # an address is at most 254 (64 before the @), a hash 128: spaces around them fit
AD_ID_CHARS = 64  # a UUID is 36
TEXT_CHARS = 1_000  # names, titles, companies (35 or 50 once trimmed), cities, industries
COUNTRY_CHARS = 100  # the longest country name is 44 characters
DOMAIN_CHARS = 320  # a domain name is at most 253
URL_CHARS = 2_048  # a website or company page URL with its path and query (browsers' usual bound)
ORGANIZATION_CHARS = 100  # urn:li:organization:<up to 19 digits>
TICKER_CHARS = 32  # six letters, a class suffix and an exchange prefix ("NASDAQ: BRK.B")

SNIFFED = 320  # a cell that tells a data row or a column's content (an email, a hash, an id) is shorter


def sniffable(cell: str) -> bool:
    """True when ``cell`` is short enough for a content pattern: longer ones are no email, hash or id."""
    return len(cell) <= SNIFFED


def capped(cap: int, what: str) -> Callable[[Callable[..., Checked]], Callable[..., Checked]]:
    """A column checker that first refuses every cell longer than ``cap`` characters ("longer than
    any valid ``what``"): such cells reach the checker empty, so no normalization or pattern of
    it runs on them, and each gets its own row in the problems (the per-row reason)."""

    def wrap(checker: Callable[..., Checked]) -> Callable[..., Checked]:
        @functools.wraps(checker)
        def check(values: Any, **options: Any) -> Checked:
            raw = strings(values)
            long_at = _longer_than(raw, cap)
            if not len(long_at):
                return checker(raw, **options)
            mask = np.zeros(len(raw), dtype=bool)
            mask[long_at] = True
            inner = checker(pc.if_else(pa.array(mask), NULL_STRING, raw), **options)
            index = pa.array(long_at, pa.int64())
            chars = pc.utf8_length(pc.take(raw, index)).to_pylist()
            reasons = pa.array([f"longer than {cap:,} characters ({n:,}): no {what} is that long" for n in chars],
                               pa.string())
            refused = pa.table([index, pc.take(raw, index), reasons, pa.nulls(len(index), pa.string()),
                                pa.array(np.zeros(len(index), bool))], schema=EMPTY_PROBLEMS)
            problems = pa.concat_tables([inner.problems, refused]).sort_by("index")
            return Checked(inner.kind, inner.value, inner.given + len(long_at), problems, inner.derived)

        return check

    return wrap


def _longer_than(raw: pa.Array, cap: int) -> np.ndarray:
    """Positions of the cells of more than ``cap`` characters: bytes first (one length per cell, and
    bytes >= characters), characters counted only for the few cells with more bytes than that."""
    over = filled_mask(pc.greater(pc.binary_length(raw), cap))
    if not any_true(over):
        return np.zeros(0, dtype=np.int64)
    candidates = pc.indices_nonzero(over)
    chars = pc.utf8_length(pc.take(raw, candidates))
    return pc.filter(candidates, pc.greater(chars, cap)).to_numpy().astype(np.int64)
