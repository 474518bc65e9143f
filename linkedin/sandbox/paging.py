"""Rest.li start/count paging: parse the query, slice a collection, and answer in
LinkedIn's `{"elements": [...], "paging": {...}}` shape (linkedin-api.md §2, §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams

from . import errors

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
