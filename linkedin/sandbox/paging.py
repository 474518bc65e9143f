"""Rest.li paging: start/count (`{"elements": [...], "paging": {...}}`) and, for the
search finders that moved to cursors in 202401, pageSize/pageToken
(`{"elements": [...], "metadata": {"nextPageToken": ...}}`) (linkedin-api.md §2, §4)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams

import linkedin.sandbox.errors as errors

MAX_COUNT = 1000  # finders answer 400 above this


@dataclass(frozen=True, kw_only=True)
class Page:
    start: int
    count: int

    @classmethod
    def from_query(cls, query: QueryParams, *, default_count: int = 10) -> Page:
        return cls(start=_int(query, "start", 0), count=_int(query, "count", default_count))

    def answer(self, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """The page of `items` with LinkedIn's paging block (links stay empty, like LinkedIn's)."""
        return {
            "elements": list(items[self.start:self.start + self.count]),
            "paging": {"start": self.start, "count": self.count, "links": [], "total": len(items)},
        }


def _int(query: QueryParams, name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise errors.illegal_argument(f"Invalid value for param: {name}, expected an integer") from None
    if value < 0:
        raise errors.illegal_argument(f"Invalid value for param: {name}, must not be negative")
    if name == "count" and value > MAX_COUNT:
        raise errors.illegal_argument(f"Invalid value for param: count, must be at most {MAX_COUNT}")
    return value


# -- cursor paging (adAccounts, since 202401) --------------------------------------------

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
_TOKEN_PREFIX = "sbx1."


@dataclass(frozen=True, kw_only=True)
class Cursor:
    """`pageSize` + `pageToken`; the next token goes in `metadata.nextPageToken`.

    Elements are ordered by a numeric key (the id); a token means "after this key", so
    elements added or removed between pages neither repeat nor shift the next page."""

    size: int
    after: int | None

    @classmethod
    def from_query(cls, query: QueryParams) -> Cursor:
        size = _int(query, "pageSize", DEFAULT_PAGE_SIZE)
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise errors.illegal_argument(f"Invalid value for param: pageSize, must be between 1 and {MAX_PAGE_SIZE}")
        token = query.get("pageToken")
        return cls(size=size, after=None if token is None else _read_token(token))

    def answer(self, items: Sequence[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
        """`items` are (key, element) sorted by key; the page after `after`, with its cursor."""
        rest = [(k, e) for k, e in items if self.after is None or k > self.after]
        page = rest[:self.size]
        metadata: dict[str, Any] = {}
        if len(rest) > self.size:
            metadata["nextPageToken"] = _make_token(page[-1][0])
        return {"elements": [e for _, e in page], "metadata": metadata}


def _make_token(after: int) -> str:
    # Opaque to clients, like LinkedIn's; URL-safe so it travels unencoded.
    return _TOKEN_PREFIX + base64.urlsafe_b64encode(str(after).encode()).decode().rstrip("=")


def _read_token(token: str) -> int:
    try:
        if not token.startswith(_TOKEN_PREFIX):
            raise ValueError
        body = token[len(_TOKEN_PREFIX):]
        return int(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode())
    except (ValueError, UnicodeDecodeError):
        raise errors.illegal_argument("Invalid value for param: pageToken, not a token this API issued") from None
