"""Elements: LinkedIn's batch element fields, and the fast builders of element dicts.

``USER_COLUMNS`` and ``COMPANY_COLUMNS`` are the element fields as LinkedIn names them (§6,
§7); ``_build_elements`` turns rows of those fields into elements in LinkedIn's exact shape,
absent fields omitted. Building the dicts is, with hashing, the one per-element Python work
of a sync, so it gets a module of its own: rows are grouped by which fields they have and
each group is built by a generated function (``_builder``) made of one dict literal.
``Prepared.elements`` / ``Prepared.batches`` (``preparation``) are the public way in.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import pyarrow as pa

from linkedin.tables.columns import USERS

ID_TYPES = ("SHA256_EMAIL", "SHA512_EMAIL", "GOOGLE_AID", "APPLE_IDFA")
USER_COLUMNS = (*ID_TYPES, "firstName", "lastName", "title", "company", "country")
COMPANY_COLUMNS = (
    "companyName", "companyWebsiteDomain", "companyEmailDomain", "organizationUrn", "companyPageUrl",
    "stockSymbol", "industries", "city", "state", "country", "postalCode",
)


def _mask_of(kind: str, names: Sequence[str]) -> int:
    everything = USER_COLUMNS if kind == USERS else COMPANY_COLUMNS
    return sum(1 << everything.index(n) for n in names)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building thousands of small dicts triggers the cyclic collector over the whole heap
    again and again; none of them can form a cycle, so collection waits until the batch is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=512)
def _builder(kind: str, present: tuple[str, ...], industries_list: bool) -> Callable[..., list[dict]]:
    """A function building elements with exactly the fields in ``present``, one dict literal
    per element: generated (like dataclasses' own methods) because a literal with fixed keys
    is the fastest way Python builds a dict, and absent fields must be omitted, not null."""
    args = [f"c{i}" for i in range(len(present))]
    names = [f"v{i}" for i in range(len(present))]
    user_ids, fields = [], []
    for name, column in zip(names, present):
        if column in ID_TYPES:
            user_ids.append(f"{{'idType': {column!r}, 'idValue': {name}}}")
        elif column == "industries" and industries_list:
            fields.append(f"'industries': [{name}]")
        else:
            fields.append(f"{column!r}: {name}")
    body = ["'action': action"]
    if kind == USERS:
        body.append(f"'userIds': [{', '.join(user_ids)}]")
    body.extend(fields)
    element = "{" + ", ".join(body) + "}"
    if present:
        source = f"def build(action, {', '.join(args)}):\n    return [{element} for ({', '.join(names)},) in zip({', '.join(args)})]\n"
    else:
        source = f"def build(action, n):\n    return [{element} for _ in range(n)]\n"
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 - the source is built from our own column names only
    return namespace["build"]


def _build_elements(kind: str, sub: pa.Table, names: Sequence[str], patterns: np.ndarray, action: str,
                    industries_list: bool) -> list[dict]:
    """The elements of ``sub``'s rows, which come sorted by ``patterns`` (the columns each row has)."""
    n = sub.num_rows
    if n == 0:
        return []
    everything = USER_COLUMNS if kind == USERS else COMPANY_COLUMNS
    bits = [everything.index(name) for name in names]
    starts = np.flatnonzero(np.r_[True, patterns[1:] != patterns[:-1]]).tolist()
    built: list[dict] = []
    with _gc_paused():
        values = {name: sub.column(name).to_pylist() for name in names if sub.column(name).null_count < n}
        whole = len(starts) == 1
        for start, end in zip(starts, [*starts[1:], n]):
            pattern = int(patterns[start])
            present = tuple(name for name, bit in zip(names, bits) if pattern >> bit & 1)
            build = _builder(kind, present, industries_list)
            if not present:
                built.extend(build(action, end - start))
            elif whole:
                built.extend(build(action, *(values[name] for name in present)))
            else:
                built.extend(build(action, *(values[name][start:end] for name in present)))
    return built
