"""Rest.li 2.0 encoding of query values: URNs, ``List(...)`` and records ``(k:v)``.

Leaves are fully percent-encoded; the structural characters ``( ) , :`` are not
(LinkedIn's own client, ``encoder.py``). Pure functions, table-tested.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote


def encode(value: Any) -> str:
    """Encode one query value the Rest.li 2.0 way."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "(" + ",".join(f"{quote(str(k), safe='')}:{encode(v)}" for k, v in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        return "List(" + ",".join(encode(v) for v in value) + ")"
    return quote(str(value), safe="")


def query(params: Mapping[str, Any]) -> str:
    """A whole query string; ``fields`` projections stay raw, as LinkedIn expects."""
    parts = []
    for key, value in params.items():
        if value is None:
            continue
        encoded = str(value) if key == "fields" else encode(value)
        parts.append(f"{quote(key, safe='')}={encoded}")
    return "&".join(parts)


def urn(kind: str, ident: int | str) -> str:
    """``urn:li:<kind>:<id>``, e.g. ``urn("sponsoredAccount", 123)``."""
    return f"urn:li:{kind}:{ident}"


def urn_id(value: str) -> str:
    """The last part of a URN (``urn:li:sponsoredAccount:123`` -> ``"123"``)."""
    return value.rsplit(":", 1)[-1]
