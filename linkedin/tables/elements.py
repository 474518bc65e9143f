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

import pyarrow as pa

from linkedin.tables.columns import USERS

ID_TYPES = ("SHA256_EMAIL", "SHA512_EMAIL", "GOOGLE_AID", "APPLE_IDFA")
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
