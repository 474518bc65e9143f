"""A request's query parameters read the Rest.li 2.0 way, with LinkedIn's 400 for bad ones.

Wraps the pure decoder (`restli_query`) so a route can say `query.value("search")` and
get a dict, or a 400 ILLEGAL_ARGUMENT naming the parameter. Also `fields=` projections."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request

import linkedin.sandbox.errors as errors

from .restli_query import DecodeError, decode, raw_params


def bad_param(name: str, reason: str) -> errors.ApiError:
    return errors.illegal_argument(f"Invalid value for param: {name}, {reason}")


class Query:
    """The raw query string of one request, decoded parameter by parameter on demand."""

    def __init__(self, query_string: bytes | str) -> None:
        self.params = raw_params(query_string)

    @classmethod
    def of(cls, request: Request) -> Query:
        return cls(request.scope.get("query_string", b""))

    def has(self, name: str) -> bool:
        return name in self.params

    def value(self, name: str) -> Any:
        """The decoded value (str, list or dict), None when absent; 400 on bad syntax."""
        values = self.params.get(name)
        if values is None:
            return None
        if len(values) > 1:
            raise bad_param(name, "given more than once")
        try:
            return decode(values[0])
        except DecodeError as exc:
            raise bad_param(name, f"not valid Rest.li 2.0 syntax: {exc}") from None

    def text(self, name: str) -> str | None:
        """A plain value, None when absent; 400 when it is a list or record."""
        value = self.value(name)
        if value is not None and not isinstance(value, str):
            raise bad_param(name, "expected a single value")
        return value

    def integer(self, name: str, default: int | None, *, minimum: int = 0, maximum: int | None = None) -> int | None:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_param(name, "expected an integer") from None
        if value < minimum:
            raise bad_param(name, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise bad_param(name, f"must be at most {maximum}")
        return value

    def finder(self) -> str | None:
        return self.text("q")

    def fields(self) -> tuple[str, ...] | None:
        """Top-level field names of a `fields=id,name,version:(versionTag)` projection."""
        values = self.params.get("fields")
        if not values:
            return None
        names, depth, current = [], 0, ""
        for char in values[0]:
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "," and depth == 0:
                names.append(current)
                current = ""
                continue
            if depth == 0 and char not in "():":
                current += char
        names.append(current)
        return tuple(n.strip() for n in names if n.strip())


def project(elements: Iterable[dict[str, Any]], fields: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """Keep only the projected top-level fields, as LinkedIn does with `fields=`."""
    if fields is None:
        return list(elements)
    return [{k: v for k, v in e.items() if k in fields} for e in elements]


def search_values(search: dict[str, Any], name: str) -> list[str] | None:
    """The plain values of one field of a finder's ``search=`` record (``name:(values:List(a,b))``),
    None when the field is absent; 400 for any other shape (LinkedIn's finders take no other)."""
    if name not in search:
        return None
    field = search[name]
    if not isinstance(field, dict) or set(field) != {"values"} or not isinstance(field["values"], list):
        raise bad_param("search", f"{name} must be ({name}:(values:List(...)))")
    if not all(isinstance(v, str) for v in field["values"]):
        raise bad_param("search", f"{name} values must be plain values")
    return field["values"]
