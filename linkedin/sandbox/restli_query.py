"""Reading Rest.li 2.0 query strings the way LinkedIn's servers do (linkedin-api.md §2).

A value is a leaf, a `List(v1,v2)` or a record `(k1:v1,k2:v2)`. The structural
characters `( ) , :` must arrive raw; leaves arrive percent-encoded
(`urn%3Ali%3AsponsoredAccount%3A1`). So the query string is split by hand from the raw
bytes: decoding it first, as most frameworks do, would make `%3A` and `:` the same.

A raw `:` inside a leaf is tolerated where it cannot be a separator (a top-level or list
value, a record value), as LinkedIn's own docs and Airbyte send bare URNs
(`accounts=urn:li:sponsoredAccount:1`). Leaves decode to strings; callers give them types.
Pure functions, no Starlette."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, unquote_plus


class DecodeError(ValueError):
    """The value is not valid Rest.li 2.0 syntax; the message says where."""


def raw_params(query_string: bytes | str) -> dict[str, list[str]]:
    """Each parameter's raw (still encoded) values, in order; keys are decoded."""
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    params: dict[str, list[str]] = {}
    for part in text.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        params.setdefault(unquote_plus(key), []).append(value)
    return params


def decode(raw: str) -> Any:
    """One encoded value as str, list or dict (records keep their key order)."""
    parser = _Parser(raw)
    value = parser.value()
    if parser.pos != len(raw):
        raise DecodeError(f"unexpected {raw[parser.pos]!r} at position {parser.pos}")
    return value


def leaf(raw: str) -> str:
    """A value that must be a plain string (a URN, a number, an enum)."""
    value = decode(raw)
    if not isinstance(value, str):
        raise DecodeError("expected a single value, not a list or record")
    return value


def _unescape(text: str) -> str:
    # "+" stands for a space in query strings; a literal plus arrives as %2B.
    try:
        return unquote(text.replace("+", " "), errors="strict")
    except UnicodeDecodeError:
        raise DecodeError(f"bad percent-encoding in {text!r}") from None


class _Parser:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pos = 0

    def peek(self) -> str:
        return self.raw[self.pos] if self.pos < len(self.raw) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = repr(self.peek()) if self.peek() else "the end"
            raise DecodeError(f"expected {char!r} at position {self.pos}, found {found}")
        self.pos += 1

    def value(self) -> Any:
        if self.raw.startswith("List(", self.pos):
            self.pos += len("List(")
            return self.sequence()
        if self.peek() == "(":
            self.pos += 1
            return self.record()
        return self.leaf()

    def sequence(self) -> list[Any]:
        items: list[Any] = []
        if self.peek() == ")":
            self.pos += 1
            return items
        while True:
            items.append(self.value())
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect(")")
            return items

    def record(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if self.peek() == ")":
            self.pos += 1
            return fields
        while True:
            start = self.pos
            while self.peek() not in ("", ":", ",", "(", ")"):
                self.pos += 1
            key = _unescape(self.raw[start:self.pos])
            if not key:
                raise DecodeError(f"a record field has no name at position {start}")
            self.expect(":")
            if key in fields:
                raise DecodeError(f"field {key!r} appears twice")
            fields[key] = self.value()
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect(")")
            return fields

    def leaf(self) -> str:
        start = self.pos
        while self.peek() not in ("", ",", "(", ")"):
            self.pos += 1
        if self.peek() == "(":
            raise DecodeError(f"unexpected '(' at position {self.pos} (only List( opens a list)")
        return _unescape(self.raw[start:self.pos])
