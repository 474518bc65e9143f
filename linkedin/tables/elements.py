"""Elements: LinkedIn's batch element fields, and the element dicts built from a table of them.

``USER_COLUMNS`` and ``COMPANY_COLUMNS`` are the element fields as LinkedIn names them (§6,
§7); ``build_elements`` turns a table of those fields (null = absent) into elements in
LinkedIn's exact shape: ``action``, then for contacts ``userIds``, then the fields in the
table's column order, an absent field omitted, never null. Building the dicts is, with
hashing, the one per-element Python work of a sync, so it has a module of its own.
``Prepared.elements`` / ``Prepared.batches`` (``prepared``) are the public way in. Nothing
here changes process-wide state: the garbage collector runs while elements are built.

How, and why: column by column. A dict ``{"action", "userIds"}`` per row, then per column a
plain loop setting the key where the value is not null (``_set``): every row's keys come out
in column order whatever fields it has, so rows need no grouping and no code per combination
of fields. Measured (CPU seconds to build every batch of 5,000 of 960,916 contacts of
``bench/make_data.py`` through ``Prepared.batches``, collector running; median of 9
interleaved runs in one process, other work busy on the machine):

    column by column, plain loops (this module)                   2.70
    column by column, map(operator.setitem) and compress          2.90
    rows grouped by fields, then a loop per column                3.18
    grouped, a template dict copied then filled                   3.08
    grouped, dict(zip(keys, row)) per row                         3.20
    grouped, a dict comprehension per row                         3.46
    before: grouped, a dict literal per row written as source
      per combination of fields and exec'ed                       2.89
    before, with the collector paused (as it was)                 1.79
    this module, with the collector paused by the measuring script 1.53

Companies (a million; another run): 1.33 s here, 1.63 s before with the collector paused.
The collector is the whole difference between the first line and the last two: about 1.0 s
of contacts' time (``gc.callbacks``: ~30 full collections of the heap, 25-30 ms each). Every
contact element holds a list, so Python tracks the element and its list: ~1.9 million objects,
most of them kept past a young collection while their batch is built; a company element holds
only strings and is never tracked (unless ``industries`` is a list), so there the collector
costs little. Most of a full collection's time is the process's own objects (modules,
classes: ~70,000 here, ~150,000 in the app's server), walked again each time; the front doors
(the app's server, ``ui/startup.py``, and the CLI) freeze them once after their imports, which
brings contacts back to ~1.1 s in the same measurement without pausing anything. That is a
process-wide decision, a front door's to make, never this module's.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import keyarrays
from linkedin.tables.columns import USERS

ID_TYPES = ("SHA256_EMAIL", "SHA512_EMAIL", "GOOGLE_AID", "APPLE_IDFA")
# A person's kept identity (the ledger's) when its one id is its ledger key as SHA256_EMAIL, as
# most are: the ledger writes the identity back from the key rather than storing it again.
KEY_ONLY = "="
USER_COLUMNS = (*ID_TYPES, "firstName", "lastName", "title", "company", "country")
COMPANY_COLUMNS = (
    "companyName", "companyWebsiteDomain", "companyEmailDomain", "organizationUrn", "companyPageUrl",
    "stockSymbol", "industries", "city", "state", "country", "postalCode",
)


def build_elements(kind: str, fields: pa.Table, action: str, *, industries_list: bool = False) -> list[dict]:
    """One element per row of ``fields``, in LinkedIn's exact shape, absent fields omitted.

    ``fields`` has columns named as LinkedIn names the fields (``USER_COLUMNS`` for contacts,
    ``COMPANY_COLUMNS`` for companies; any of them, in that order), null where a row lacks one.
    Contacts' identifiers go into ``userIds``; companies' ``industries`` is a one-item list
    where ``industries_list``.

    >>> build_elements("users", pa.table({"SHA256_EMAIL": ["ab12"], "lastName": [None]}), "ADD")
    [{'action': 'ADD', 'userIds': [{'idType': 'SHA256_EMAIL', 'idValue': 'ab12'}]}]
    """
    n = fields.num_rows
    names = [name for name in fields.column_names if fields.column(name).null_count < n]
    if kind == USERS:
        user_ids: list[list[dict]] = [[] for _ in range(n)]
        for id_type in (name for name in names if name in ID_TYPES):
            for ids, value in zip(user_ids, fields.column(id_type).to_pylist()):
                if value is not None:
                    ids.append({"idType": id_type, "idValue": value})
        elements = [{"action": action, "userIds": ids} for ids in user_ids]
        names = [name for name in names if name not in ID_TYPES]
    else:
        elements = [{"action": action} for _ in range(n)]
    for name in names:
        values = fields.column(name).to_pylist()
        if name == "industries" and industries_list:
            values = [None if value is None else [value] for value in values]
        _set(elements, name, values, fields.column(name).null_count)
    return elements


def _set(elements: list[dict], name: str, values: list, nulls: int) -> None:
    """``element[name] = value`` for each pair where the value is not None (``nulls`` of them are)."""
    if nulls:
        for element, value in zip(elements, values):
            if value is not None:
                element[name] = value
    else:
        for element, value in zip(elements, values):
            element[name] = value


def _needs_encoder(values: pa.Array) -> np.ndarray | None:
    """Where a value is not written between quotes as it is (None: nowhere), from the array's
    bytes: printable ASCII but the quote and the backslash is; an escape, a control character or
    anything past ASCII is not. One numpy pass over the bytes, where a regular expression over
    each value cost 0.13 µs a 64-character hash (element_texts' largest part)."""
    n = len(values)
    _, offset_buffer, data_buffer = values.buffers()
    if not n or values.null_count == n or data_buffer is None:  # no value has a byte
        return None
    offsets = np.frombuffer(offset_buffer, np.int32)[values.offset:values.offset + n + 1]
    data = np.frombuffer(data_buffer, np.uint8)[offsets[0]:offsets[-1]]
    bad = keyarrays.json_unsafe(data)
    if not bad.any():
        return None
    odd = np.zeros(n, bool)
    odd[np.searchsorted(offsets, np.flatnonzero(bad) + offsets[0], side="right") - 1] = True
    if values.null_count:
        odd &= values.is_valid().to_numpy(zero_copy_only=False)
    return odd


def quoted(values: pa.Array, before: str = "", after: str = "") -> pa.Array:
    """Each value as a JSON string literal exactly as ``json.dumps`` writes it (``ensure_ascii``),
    between ``before`` and ``after``; null stays null. Values of printable ASCII without a quote
    or backslash (hashes, ad ids, nearly every name) are quoted by Arrow, in the same pass that
    puts them between ``before`` and ``after``; the others, one by one, by the encoder.
    """
    values = values.cast(pa.string())
    plain = pc.binary_join_element_wise(before + '"', values, '"' + after, "")
    odd = _needs_encoder(values)
    if odd is None:
        return plain
    encoded = pa.array([before + json.dumps(v) + after for v in values.filter(odd).to_pylist()], pa.string())
    return pc.replace_with_mask(plain, pa.array(odd), encoded)


def element_texts(fields: pa.Table, action: str) -> tuple[pa.Array, pa.Array]:
    """Contacts' elements as JSON, built column by column with no dict per element: (each element
    exactly as ``json.dumps(build_elements("users", fields, action)[i])`` writes it, its
    ``userIds`` as the ledger keeps them, ``{"userIds": [...]}``, or "" where it has none).

    Measured on a million-contact send (``bench/upload.py --profile``): building the dicts and
    encoding them took ~5 µs an element. These kernels, timed alone a batch of 5,000 at a time
    over the same file: ~1.4 µs an element, ~1.2 with each field quoted and put in its place in
    one pass (``quoted``'s ``before``/``after``), ~0.77 with the values that need the encoder
    found from the bytes (``_needs_encoder``) rather than by a regular expression; over the
    whole table at once ~3.5 (their temporaries no longer fit in the cache)."""
    n = fields.num_rows
    names = [name for name in fields.column_names if fields.column(name).null_count < n]
    # Each id "{...}, " (or "" where absent), then the last ", " trimmed: Arrow 26's join with
    # null_handling="skip" drops rows that are null throughout.
    id_parts = [pc.fill_null(quoted(fields.column(name).combine_chunks(), f'{{"idType": "{name}", "idValue": ', "}, "), "")
                for name in names if name in ID_TYPES]
    if id_parts:
        joined = pc.binary_join_element_wise(*id_parts, "") if len(id_parts) > 1 else id_parts[0]
        ids = pc.utf8_rtrim(joined, characters=", ")
    else:
        ids = pa.array([""] * n, pa.string())
    parts = [pa.scalar(f'{{"action": "{action}", "userIds": ['), ids, pa.scalar("]")]
    for name in names:
        if name not in ID_TYPES:
            parts.append(pc.fill_null(quoted(fields.column(name).combine_chunks(), f', "{name}": '), ""))
    parts.append(pa.scalar("}"))
    elements = pc.binary_join_element_wise(*parts, "")
    kept = pc.if_else(pc.equal(ids, ""), "", pc.binary_join_element_wise('{"userIds": [', ids, "]}", ""))
    return elements, kept


def joined(texts: pa.Array, separator: bytes = b", ") -> bytes:
    """The texts of a string array (no nulls) joined by ``separator``, from its buffers."""
    if not len(texts):
        return b""
    with_sep = pc.binary_join_element_wise(texts, separator.decode(), "")
    offsets = np.frombuffer(with_sep.buffers()[1], np.int32)[with_sep.offset:with_sep.offset + len(with_sep) + 1]
    data = with_sep.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]
    return data[:-len(separator)] if separator else data
