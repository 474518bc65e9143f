"""build_elements: LinkedIn's element shape (linkedin-api.md §6, §7) for every combination of present fields."""

from __future__ import annotations

import doctest
import gc
import itertools
import json

import pyarrow as pa
import pytest

from linkedin.tables import elements
from linkedin.tables.columns import COMPANIES, USERS
from linkedin.tables.elements import COMPANY_COLUMNS, ID_TYPES, USER_COLUMNS, build_elements


def reference(kind: str, row: dict, action: str, industries_list: bool = False) -> dict:
    """The element of one row, spelled out the slow way: the shape the builder must match."""
    element: dict = {"action": action}
    if kind == USERS:
        element["userIds"] = [{"idType": t, "idValue": row[t]} for t in ID_TYPES if row.get(t) is not None]
    for name, value in row.items():
        if value is None or (kind == USERS and name in ID_TYPES):
            continue
        element[name] = [value] if name == "industries" and industries_list else value
    return element


def every_combination(columns: tuple[str, ...]) -> list[dict]:
    """A row per subset of ``columns`` present (2 ** len(columns) rows), null where absent."""
    return [
        {name: f"{name}-{i}" if present else None for name, present in zip(columns, flags)}
        for i, flags in enumerate(itertools.product((False, True), repeat=len(columns)))
    ]


def as_json(elements: list[dict]) -> list[str]:
    """Byte for byte, key order included."""
    return [json.dumps(element) for element in elements]


def test_a_contact_element_lists_its_ids_first_and_omits_absent_fields():
    fields = pa.table({
        "SHA256_EMAIL": ["ab12", None, None], "SHA512_EMAIL": [None, None, None],
        "GOOGLE_AID": ["a7e1", "b8f2", None], "APPLE_IDFA": [None, "EA75", None],
        "firstName": ["John", None, "Ann"], "lastName": ["Doe", None, "Lee"], "title": [None, None, None],
        "company": ["Acme", None, "Acme"], "country": ["US", "GB", None],
    })
    assert build_elements(USERS, fields, "ADD") == [
        {
            "action": "ADD",
            "userIds": [{"idType": "SHA256_EMAIL", "idValue": "ab12"}, {"idType": "GOOGLE_AID", "idValue": "a7e1"}],
            "firstName": "John", "lastName": "Doe", "company": "Acme", "country": "US",
        },
        {
            "action": "ADD",
            "userIds": [{"idType": "GOOGLE_AID", "idValue": "b8f2"}, {"idType": "APPLE_IDFA", "idValue": "EA75"}],
            "country": "GB",
        },
        {"action": "ADD", "userIds": [], "firstName": "Ann", "lastName": "Lee", "company": "Acme"},
    ]


def test_a_company_element_is_flat_and_industries_can_be_a_list():
    fields = pa.table({
        "companyName": ["Microsoft", "Acme"], "companyWebsiteDomain": ["microsoft.com", None],
        "industries": ["Software Development", None], "country": ["US", "DE"],
    })
    assert build_elements(COMPANIES, fields, "REMOVE") == [
        {"action": "REMOVE", "companyName": "Microsoft", "companyWebsiteDomain": "microsoft.com",
         "industries": "Software Development", "country": "US"},
        {"action": "REMOVE", "companyName": "Acme", "country": "DE"},
    ]
    assert build_elements(COMPANIES, fields, "ADD", industries_list=True)[0] == {
        "action": "ADD", "companyName": "Microsoft", "companyWebsiteDomain": "microsoft.com",
        "industries": ["Software Development"], "country": "US",
    }


@pytest.mark.parametrize(("kind", "columns", "industries_list"), [
    (USERS, USER_COLUMNS, False),
    (COMPANIES, COMPANY_COLUMNS, False),
    (COMPANIES, COMPANY_COLUMNS, True),
    (COMPANIES, tuple(n for n in COMPANY_COLUMNS if n != "stockSymbol"), True),
])
def test_every_combination_of_present_fields_matches_the_reference(kind, columns, industries_list):
    rows = every_combination(columns)
    fields = pa.Table.from_pylist(rows, schema=pa.schema([(name, pa.string()) for name in columns]))
    built = build_elements(kind, fields, "ADD", industries_list=industries_list)
    assert as_json(built) == as_json([reference(kind, row, "ADD", industries_list) for row in rows])
    assert built == [reference(kind, row, "ADD", industries_list) for row in rows]  # lists stay lists


@pytest.mark.parametrize(("kind", "columns"), [(USERS, USER_COLUMNS), (COMPANIES, COMPANY_COLUMNS)])
def test_columns_all_present_all_absent_and_split_in_chunks_build_alike(kind, columns):
    rows = every_combination(columns)[-40:]
    schema = pa.schema([(name, pa.string()) for name in columns])
    whole = pa.Table.from_pylist(rows, schema=schema)
    chunked = pa.concat_tables([whole.slice(0, 7), whole.slice(7, 20), whole.slice(27)])
    expected = as_json([reference(kind, row, "REMOVE") for row in rows])
    assert as_json(build_elements(kind, whole, "REMOVE")) == expected
    assert as_json(build_elements(kind, chunked, "REMOVE")) == expected
    assert build_elements(kind, whole.slice(0, 0), "REMOVE") == []


def test_building_elements_leaves_the_garbage_collector_alone(monkeypatch):
    def refused():
        raise AssertionError("the library must not pause the collector for the whole process")

    monkeypatch.setattr(gc, "disable", refused)
    rows = every_combination(USER_COLUMNS)
    fields = pa.Table.from_pylist(rows, schema=pa.schema([(name, pa.string()) for name in USER_COLUMNS]))
    assert len(build_elements(USERS, fields, "ADD")) == len(rows)


def test_the_docstring_example_holds():
    assert doctest.testmod(elements) == (0, 1)  # (failed, attempted)


ODD = ["plain", "", 'say "hi"', "back\\slash", "tab\there", "new\nline", "Zoë", "日本", "\x7f", "~ok!", None,
       "emoji \U0001F600", "#$%&'()*+,-./"]


@pytest.mark.parametrize("start", [0, 1, 5])
def test_a_quoted_value_is_what_the_encoder_writes_whatever_it_holds_and_wherever_the_array_starts(start):
    values = pa.array(ODD * 3, pa.string()).slice(start)  # an array that starts inside its buffers
    got = elements.quoted(values, "<", ">").to_pylist()
    assert got == [None if v is None else f"<{json.dumps(v)}>" for v in (ODD * 3)[start:]]


def test_values_that_need_no_escape_are_quoted_without_the_encoder(monkeypatch):
    monkeypatch.setattr(elements.json, "dumps", lambda v: pytest.fail(f"encoder called for {v!r}"))
    hashes = pa.array(["ab" * 32, None, "38400000-8cf0-11bd-b23e-10b96e40000d"])
    assert elements.quoted(hashes).to_pylist() == ['"' + "ab" * 32 + '"', None, '"38400000-8cf0-11bd-b23e-10b96e40000d"']
    assert elements.quoted(pa.array([None, None], pa.string())).to_pylist() == [None, None]
