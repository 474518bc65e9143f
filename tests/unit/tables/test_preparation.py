"""The preparation pipeline: ledger keys, deduplication, LinkedIn's element shapes, batches, templates."""

from __future__ import annotations

import hashlib
import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from linkedin.tables import preparation as prep
from linkedin.tables.preparation import prepare
from linkedin.tables.prepared import Prepared
from linkedin.tables.table import TableError
from linkedin.tables.templates import export_template

ROOT = Path(__file__).resolve().parents[3]
USER_HEADER = "email,firstname,lastname,jobtitle,employeecompany,country,googleaid\n"
COMPANY_HEADER = (
    "companyname,companywebsite,companyemaildomain,linkedincompanypageurl,stocksymbol,industry,city,state,"
    "companycountry,zipcode\n"
)
ABC = "fa922cb41ff930664d4c9ced3c472ce7ecf29a0f8248b7018456e990177fff75"  # sha256("abc@test.com")
TESTING = "584c4423c421df49955759498a71495aba49b8780eb9387dff333b6f0982c777"  # sha256("testing@testing.com")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def users(*rows: str, **options) -> Prepared:
    return prepare((USER_HEADER + "\n".join(rows) + "\n").encode(), "users", **options)


def companies(*rows: str, **options) -> Prepared:
    return prepare((COMPANY_HEADER + "\n".join(rows) + "\n").encode(), "companies", **options)


# -- contacts: the element shape (linkedin-api.md §6) ---------------------------------------------
def test_a_contact_element_in_linkedins_exact_shape():
    p = users(" ABC@Test.com ,John,Doe,CEO,Acme,United States,A7E1C2D4-0B5F-4E6A-9C3D-1F2E3A4B5C6D")
    assert p.elements() == [{
        "action": "ADD",
        "userIds": [
            {"idType": "SHA256_EMAIL", "idValue": ABC},
            {"idType": "GOOGLE_AID", "idValue": "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d"},
        ],
        "firstName": "John", "lastName": "Doe", "title": "CEO", "company": "Acme", "country": "US",
    }]


def test_absent_and_invalid_fields_are_omitted_not_null():
    p = users("testing@testing.com,,Doe,,Acme Corporation With A Name Far Longer Than Fifty Chars,Narnia,")
    assert p.elements("REMOVE") == [
        {"action": "REMOVE", "userIds": [{"idType": "SHA256_EMAIL", "idValue": TESTING}], "lastName": "Doe"}
    ]


def test_pre_hashed_emails_pass_through_lower_cased():
    p = users(TESTING.upper() + ",,,,,,", "631372C5EAFE80F3FE1B5D067F6A1870F1F04A0F0C0D9298EEAA20B9E54224DA9588E3164D2EC6E2A5545A5299ED7DF563E4A60315E6782DFA7DB4DE6B1C5326,,,,,,")
    assert [e["userIds"] for e in p.elements()] == [
        [{"idType": "SHA256_EMAIL", "idValue": TESTING}],
        [{"idType": "SHA512_EMAIL", "idValue": "631372c5eafe80f3fe1b5d067f6a1870f1f04a0f0c0d9298eeaa20b9e54224da9588e3164d2ec6e2a5545a5299ed7df563e4a60315e6782dfa7db4de6b1c5326"}],
    ]


def test_sha512_can_be_sent_too():
    p = users("random@rudderstack.com,,,,,,", also_sha512=True)
    assert p.elements()[0]["userIds"] == [
        {"idType": "SHA256_EMAIL", "idValue": sha("random@rudderstack.com")},
        {"idType": "SHA512_EMAIL", "idValue": hashlib.sha512(b"random@rudderstack.com").hexdigest()},
    ]


def test_name_only_rows_are_sent_with_no_ids():
    p = users(",Ann,Lee,,Acme,GB,")
    assert p.elements() == [{"action": "ADD", "userIds": [], "firstName": "Ann", "lastName": "Lee", "company": "Acme", "country": "GB"}]


def test_idfa_is_sent_only_when_allowed():
    data = "email,idfa\na@b.com,ea7583cd-a667-48bc-b806-42ecb2b48606\n,EA7583CDA66748BCB80642ECB2B48606\n".encode()
    off = prepare(data, "users")
    assert off.elements() == [{"action": "ADD", "userIds": [{"idType": "SHA256_EMAIL", "idValue": sha("a@b.com")}]}]
    assert off.quality.rejected["reason"].tolist() == ["appleidfa: not sent (IDFAs are not allowed)"]
    on = prepare(data, "users", allow_idfa=True)
    assert [e["userIds"] for e in on.elements()] == [
        [{"idType": "SHA256_EMAIL", "idValue": sha("a@b.com")}, {"idType": "APPLE_IDFA", "idValue": "EA7583CD-A667-48BC-B806-42ECB2B48606"}],
        [{"idType": "APPLE_IDFA", "idValue": "EA7583CD-A667-48BC-B806-42ECB2B48606"}],
    ]
    assert on.keys.to_pylist()[1] == sha("APPLE_IDFA:EA7583CD-A667-48BC-B806-42ECB2B48606")


# -- contacts: ledger keys and deduplication ----------------------------------------------------------
def test_the_contact_key_is_the_sha256_email_sent():
    p = users("Testing@Testing.com,,,,,,", TESTING + ",,,,,,", ",,,,,,a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d",
              ",Ann,Lee,,Acme,,", "631372c5eafe80f3fe1b5d067f6a1870f1f04a0f0c0d9298eeaa20b9e54224da9588e3164d2ec6e2a5545a5299ed7df563e4a60315e6782dfa7db4de6b1c5326,,,,,,")
    # Row 3 is row 2's own hash: the same person, so it is a duplicate of row 2.
    assert p.rows.tolist() == [2, 4, 5, 6]
    assert p.keys.to_pylist() == [
        TESTING,
        sha("GOOGLE_AID:a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d"),
        sha("NAME:ann\tlee\tacme"),
        sha("SHA512_EMAIL:631372c5eafe80f3fe1b5d067f6a1870f1f04a0f0c0d9298eeaa20b9e54224da9588e3164d2ec6e2a5545a5299ed7df563e4a60315e6782dfa7db4de6b1c5326"),
    ]
    assert p.duplicates.to_dict("list") == {"row": [3], "kept_row": [2]}


def test_identities_are_what_the_keys_hash():
    data = (USER_HEADER + "A@B.com,,,,,,\n,,,,,,a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d\n,Ann,Lee,,Acme,,\nbad,,,,,,\n").encode()
    identities = prep.identities(data, "users").to_pylist()
    assert identities == ["a@b.com", "GOOGLE_AID:a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d", "NAME:ann\tlee\tacme", None]
    assert prepare(data, "users").keys.to_pylist() == [sha(i) for i in identities if i]


def test_duplicates_keep_the_first_row_and_remember_the_others():
    p = users("a@b.com,Ann,,,,,", " A@B.com ,Anne,,,,,", "c@d.com,,,,,,", "a@b.com,Ann,,,,,", "C@D.COM,,,,,,")
    assert p.rows.tolist() == [2, 4]
    assert p.elements()[0]["firstName"] == "Ann"
    assert p.duplicates.to_dict("list") == {"row": [3, 5, 6], "kept_row": [2, 2, 4]}
    assert p.fan_out({2: "accepted", 4: "rejected by LinkedIn"}) == {
        2: "accepted", 4: "rejected by LinkedIn", 3: "accepted", 5: "accepted", 6: "rejected by LinkedIn",
    }
    assert (p.quality.duplicates, p.quality.exact_duplicates) == (3, 1)


def test_an_email_outranks_the_ad_id_of_the_same_row():
    p = users("a@b.com,,,,,,a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d", "x@y.com,,,,,,a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d")
    assert p.keys.to_pylist() == [sha("a@b.com"), sha("x@y.com")]  # two people, whatever their devices


def test_raw_emails_are_kept_nowhere():
    p = users("Secret.Person@Example.com,Ann,Lee,,Acme,,", "other@example.com,,,,,,")
    text = p.frame.to_csv() + json.dumps(p.elements()) + export_template(p).decode()
    assert "@" not in text
    assert "secret.person" not in text.lower()


# -- batches ---------------------------------------------------------------------------------------------
def test_batches_cover_every_row_once_in_order_with_matching_elements():
    rows = [f"person{i}@example.com,{'Ann' if i % 3 else ''},,{'CEO' if i % 2 else ''},,,"
            for i in range(2345)]
    p = users(*rows)
    seen = []
    for batch_rows, elements in p.batches("ADD", size=1000):
        assert len(batch_rows) == len(elements) <= 1000
        for row, element in zip(batch_rows, elements):
            i = row - 2
            assert element["userIds"] == [{"idType": "SHA256_EMAIL", "idValue": sha(f"person{i}@example.com")}]
            assert ("firstName" in element) is bool(i % 3)
            assert ("title" in element) is bool(i % 2)
        seen.extend(batch_rows)
    assert sorted(seen) == list(range(2, 2347))
    assert len(list(p.batches("ADD", size=1000))) == math.ceil(2345 / 1000)
    assert sum(1 for _ in p.batches("ADD")) == 1  # 5000 by default


def test_batch_limits_and_actions_are_checked():
    p = users("a@b.com,,,,,,")
    with pytest.raises(ValueError, match="between 1 and 5000"):
        next(p.batches("ADD", size=5001))
    with pytest.raises(ValueError, match="ADD or REMOVE"):
        p.elements("DELETE")


def test_elements_for_chosen_rows_in_the_order_asked():
    p = users("a@b.com,,,,,,", "c@d.com,Cy,,,,,", "e@f.com,,,,,,")
    assert [e["userIds"][0]["idValue"] for e in p.elements(rows=[4, 2])] == [sha("e@f.com"), sha("a@b.com")]
    [(rows, elements)] = list(p.batches("REMOVE", rows=[3, 4]))
    assert sorted(rows) == [3, 4]
    by_row = dict(zip(rows, elements))  # grouped by the fields they have, aligned by index
    assert by_row[3] == {"action": "REMOVE", "userIds": [{"idType": "SHA256_EMAIL", "idValue": sha("c@d.com")}], "firstName": "Cy"}
    assert by_row[4] == {"action": "REMOVE", "userIds": [{"idType": "SHA256_EMAIL", "idValue": sha("e@f.com")}]}
    with pytest.raises(ValueError, match=r"rows \[9\] are not sent"):
        p.elements(rows=[9])


# -- companies (§7) --------------------------------------------------------------------------------------
def test_a_company_element_in_linkedins_shape():
    p = companies("Microsoft,https://www.microsoft.com/en-us/,,https://www.linkedin.com/company/1035/,msft,"
                  "Software Development,Redmond,WA,United States,98052")
    assert p.elements() == [{
        "action": "ADD", "companyName": "Microsoft", "companyWebsiteDomain": "microsoft.com",
        "organizationUrn": "urn:li:organization:1035", "companyPageUrl": "https://www.linkedin.com/company/1035",
        "stockSymbol": "MSFT", "industries": "Software Development", "city": "Redmond", "state": "WA",
        "country": "US", "postalCode": "98052",
    }]
    shaped = p.elements(industries="list", stock_symbol=False)[0]
    assert shaped["industries"] == ["Software Development"] and "stockSymbol" not in shaped


def test_company_keys_follow_the_strongest_identifier():
    p = companies(
        "A,a.com,,https://www.linkedin.com/company/1035,,,,,,",
        "B,b.com,,linkedin.com/company/b-inc,,,,,,",
        "C,https://www.c.com/x,,,,,,,,",
        "D,,@d.com,,,,,,,",
        "E,,,,,,,,Germany,",
    )
    assert p.keys.to_pylist() == [
        sha("ORGANIZATION:1035"), sha("PAGE:b-inc"), sha("DOMAIN:c.com"), sha("DOMAIN:d.com"), sha("NAME:e\tDE"),
    ]
    assert p.frame["coverage"].tolist() == ["page", "page", "domain", "domain", "name"]
    assert (p.quality.coverage.page, p.quality.coverage.domain, p.quality.coverage.name_only) == (2, 2, 1)


def test_a_website_and_an_email_domain_name_the_same_company():
    p = companies("Acme,www.acme.com,,,,,,,,", "Acme Inc,,acme.com,,,,,,,")
    assert p.rows.tolist() == [2]
    assert p.duplicates.to_dict("list") == {"row": [3], "kept_row": [2]}


def test_email_domains_are_derived_from_business_emails_only():
    data = b"company,contact email\nAcme,jane@acme.com\nSolo,joe@gmail.com\n,bob@gmail.com\n"
    p = prepare(data, "companies")
    assert p.elements() == [
        {"action": "ADD", "companyName": "Acme", "companyEmailDomain": "acme.com"},
        {"action": "ADD", "companyName": "Solo"},
    ]
    assert p.quality.rejected["reason"].tolist() == ["email: a free-mail address says nothing about the company"]


def test_an_organization_column_gives_the_urn():
    p = prepare(b"name,organization id\nMicrosoft,1035\n", "companies")
    assert p.elements() == [{"action": "ADD", "companyName": "Microsoft", "organizationUrn": "urn:li:organization:1035"}]


def test_company_rows_without_any_key_are_rejected_with_the_reason():
    with pytest.raises(prep.NothingToSend) as refused:
        companies(",n/a,gmail.com,https://www.linkedin.com/showcase/acme-news/,,,,,,", ",,,,,Retail,Austin,TX,US,")
    q = refused.value.quality
    assert (q.rows, q.matchable, q.unique) == (2, 0, 0)
    assert q.rejected["reason"].tolist() == [
        "companywebsite: no dot: not a domain (expected e.g. acme.com); "
        "companyemaildomain: gmail.com is a free-mail domain: it identifies no company; "
        "linkedincompanypageurl: a showcase page, not a company: use the parent company's page URL",
        "no company name, website, email domain, LinkedIn page URL or organization id",
    ]


# -- mapping and errors --------------------------------------------------------------------------------------
def test_an_explicit_mapping_is_used():
    data = b"Mail Adresse,Vor\na@b.com,Ann\n"
    p = prepare(data, "users", mapping={"email": "Mail Adresse", "firstname": "Vor"})
    assert p.elements()[0]["firstName"] == "Ann"


def test_a_table_whose_rows_are_all_invalid_is_refused_not_prepared_empty():
    with pytest.raises(prep.NothingToSend) as refused:
        prepare(b"email\nnot an email\nstill@not\nnot an email\n", "users")
    assert str(refused.value) == (
        "nothing in upload can be sent: none of its 3 rows has a usable identifier "
        "(commonest reasons: email: missing @ (2); email: domain 'not' has no dot (1))"
    )
    assert isinstance(refused.value, TableError) and refused.value.quality.rejected_rows == 3


def test_a_table_whose_rows_are_all_blank_is_refused_as_blank():
    with pytest.raises(prep.NothingToSend, match="^nothing in upload can be sent: all 2 rows are blank in the mapped columns$"):
        prepare(b"email,notes\n,x\n ,y\n", "users")
    with pytest.raises(prep.NothingToSend, match="all 1 rows are blank"):
        prepare(b"company name,notes\n,x\n", "companies")


def test_tables_nothing_can_match_are_refused_clearly():
    with pytest.raises(TableError, match="no column can be used to match"):
        prepare(b"title,notes\nCEO,x\n", "users")
    with pytest.raises(ValueError, match="kind must be one of"):
        prepare(b"email\na@b.com\n", "people")


def test_a_dataframe_and_a_path_are_prepared_too(tmp_path):
    frame = pd.DataFrame({"Email": ["a@b.com", "c@d.com"]})
    assert prepare(frame, "users").keys.to_pylist() == [sha("a@b.com"), sha("c@d.com")]
    path = tmp_path / "list.csv"
    path.write_bytes(b"email\na@b.com\n")
    assert prepare(path, "users").quality.source == "list.csv"


# -- LinkedIn's CSV templates (§9) ---------------------------------------------------------------------------
def test_contacts_template_holds_hashes_and_the_exact_header():
    p = users(" ABC@Test.com ,John,Doe,CEO,\"Acme, Inc.\",uk,A7E1C2D4-0B5F-4E6A-9C3D-1F2E3A4B5C6D", ",Ann,Lee,,Acme,,")
    assert export_template(p).decode() == (
        USER_HEADER
        + f'{ABC},John,Doe,CEO,"Acme, Inc.",GB,a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d\n'
        + ",Ann,Lee,,Acme,,\n"
    )


def test_companies_template_and_a_frame_as_input():
    p = companies("Microsoft,microsoft.com,,urn:li:organization:1035,msft,Software,Redmond,WA,US,98052",
                  "Acme,acme.com,,,,,,,,")
    expected = (
        COMPANY_HEADER
        + "Microsoft,microsoft.com,,https://www.linkedin.com/company/1035,MSFT,Software,Redmond,WA,US,98052\n"
        + "Acme,acme.com,,,,,,,,\n"
    )
    assert export_template(p).decode() == expected
    assert export_template(p.frame, "companies").decode() == expected
    with pytest.raises(ValueError, match="kind is needed"):
        export_template(p.frame)
    again = pd.read_csv(io.BytesIO(export_template(p)), dtype=str, keep_default_na=False)
    assert list(again.columns) == COMPANY_HEADER.strip().split(",")


# -- the sample files -------------------------------------------------------------------------------------------
def test_the_contact_sample_has_the_problems_it_promises():
    p = prepare(ROOT / "data" / "contacts_sample.csv", "users")
    q = p.quality
    assert 380 <= q.rows <= 450 and len(p) >= 300
    assert q.exact_duplicates > 0 and q.duplicates > q.exact_duplicates
    assert q.field("email").invalid > 0 and q.emails.sha256 > 0
    assert q.emails.free_mail > 0 and q.emails.business > 0
    assert q.field("firstname").invalid > 0 and q.field("jobtitle").invalid > 0
    assert q.field("country").fixed > 0 and q.field("googleaid").valid > 0
    assert q.rejected_rows > 0


def test_the_company_sample_has_the_mess_it_promises():
    p = prepare(ROOT / "data" / "companies_sample.csv", "companies")
    q = p.quality
    assert 180 <= q.rows <= 250
    assert q.coverage.page and q.coverage.domain and q.coverage.name_only
    assert q.field("linkedincompanypageurl").invalid > 0 and q.field("companywebsite").invalid > 0
    assert q.field("companycountry").fixed > 0 and q.duplicates > 0 and q.rejected_rows > 0
    assert any(e.get("organizationUrn") for e in p.elements())


# -- many rows: the keys DuckDB hashes in one query are hashlib's, duplicates found alike -----------
def _expected_keys(identities: list[str | None]) -> tuple[list[int], list[str], dict[int, int]]:
    """(positions sent, their keys, duplicate position -> kept position), worked out in plain Python."""
    first: dict[str, int] = {}
    sent, keys, dups = [], [], {}
    for i, identity in enumerate(identities):
        if identity is None:
            continue
        key = identity if len(identity) == 64 and all(c in "0123456789abcdef" for c in identity) else sha(identity)
        if key in first:
            dups[i] = first[key]
        else:
            first[key] = i
            sent.append(i)
            keys.append(key)
    return sent, keys, dups


def _many_contacts(n: int) -> bytes:
    lines = []
    for i in range(n):
        kind = i % 9
        if kind == 0:
            lines.append(f" Person{i}@Example.com ,Ann,Lee,,Acme,,")
        elif kind == 1:
            lines.append(f"{sha(f'person{i - 1}@example.com')},,,,,,")  # the row before, hashed: a duplicate
        elif kind == 2:
            lines.append(f",,,,,,{i:08x}-0b5f-4e6a-9c3d-1f2e3a4b5c6d")
        elif kind == 3:
            lines.append(f",Ann{i % 50},Lee,,Acme {i % 3},,")  # names repeat: some duplicates
        elif kind == 4:
            lines.append(f"{hashlib.sha512(str(i).encode()).hexdigest()},,,,,,")
        elif kind == 5:
            lines.append("not an email,,,,,,")
        elif kind == 6:
            lines.append(f"user{i % 700}@gmail.com,,,,,,")  # repeats
        else:
            lines.append(f"u{i}@b{i % 13}.org,,,,,US,")
    return (USER_HEADER + "\n".join(lines) + "\n").encode()


def _many_companies(n: int) -> bytes:
    lines = []
    for i in range(n):
        kind = i % 6
        if kind == 0:
            lines.append(f"Acme {i},https://www.acme-{i}.com/about,,,,,,,,")
        elif kind == 1:
            lines.append(f"Acme {i - 1},acme-{i - 1}.com,,,,,,,,")  # the same domain: a duplicate
        elif kind == 2:
            lines.append(f",,,linkedin.com/company/{1000 + i % 400},,,,,,")  # numeric: an organization URN
        elif kind == 3:
            lines.append(f",,,https://de.linkedin.com/company/slug-{i}/about/,,,,,,")
        elif kind == 4:
            lines.append(f"Name Only {i % 300},,,,,,,,DE,")
        else:
            lines.append(f",,sales@corp-{i % 500}.io,,,,,,,")
    return (COMPANY_HEADER + "\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("kind, make", [("users", _many_contacts), ("companies", _many_companies)])
def test_many_rows_keys_and_duplicates_match_plain_python(kind, make):
    data = make(12_000)  # well over digests.SMALL: the keys go through DuckDB
    identities = prep.identities(data, kind).to_pylist()
    sent, keys, dups = _expected_keys(identities)
    p = prepare(data, kind)
    row_of = {i: i + 2 for i in range(len(identities))}  # header on row 1
    assert p.rows.tolist() == [row_of[i] for i in sent]
    assert p.keys.to_pylist() == keys
    assert dict(zip(p.duplicate_rows.column("row").to_pylist(), p.duplicate_rows.column("kept_row").to_pylist())) == {
        row_of[d]: row_of[k] for d, k in dups.items()
    }
    assert len(sent) > 4000 and len(dups) > 500  # the table really has both


# -- the wrong kind of file -------------------------------------------------------------------------------
def test_linkedins_contact_template_is_refused_by_a_company_sync_unless_mapped_by_hand():
    contacts = b"email,firstname,lastname,jobtitle,employeecompany,country,googleaid\na@acme.com,A,B,CEO,Acme,US,\n"
    with pytest.raises(TableError, match="^contacts.csv is LinkedIn's contact template: this is a contact list: use "
                                         "the people page / `sync users`"):
        prepare(prep.read(contacts, name="contacts.csv"), "companies")
    assert len(prepare(contacts, "companies", mapping={"companyname": "employeecompany"})) == 1


def test_linkedins_company_template_is_refused_by_a_contact_sync():
    from linkedin.tables.columns import COMPANY_TEMPLATE
    data = (",".join(COMPANY_TEMPLATE) + "\n" + ",".join(["Acme"] + [""] * (len(COMPANY_TEMPLATE) - 1)) + "\n").encode()
    with pytest.raises(TableError, match="this is a company list: use the companies page / `sync companies`"):
        prepare(data, "users")


# -- never a raw email in a plain-text field --------------------------------------------------------------
def test_an_email_in_a_name_title_or_company_cell_is_not_sent_and_the_report_names_the_column():
    p = prepare(b"email,first name,last name,title,company\n"
                b"a@acme.com,b@acme.com,Lee,c@acme.com,Acme\nd@acme.com,Ann,Lee,CEO,e@acme.com\n", "users")
    sent = json.dumps(p.elements())
    assert not any(e in sent for e in ("b@acme.com", "c@acme.com", "e@acme.com"))
    assert [(f.field, f.invalid) for f in p.quality.fields if f.invalid] == [
        ("firstname", 1), ("jobtitle", 1), ("employeecompany", 1)]
    assert ("Column 'first name' (First name) holds email addresses in 1 cell(s): they are never sent as plain "
            "text. If it is the email column, map it to Email.") in p.quality.advice


def test_an_email_as_a_company_name_is_not_sent():
    p = prepare(b"company name,website\nsales@acme.com,acme.com\n", "companies")
    assert p.elements() == [{"action": "ADD", "companyWebsiteDomain": "acme.com"}]
    assert any("Column 'company name' (Company name) holds email addresses" in a for a in p.quality.advice)


@pytest.mark.parametrize("kind, sample, names", [
    ("users", "contacts_sample.csv", ("SHA256_EMAIL", "SHA512_EMAIL")),
    ("users", "contacts_sample.csv", ("GOOGLE_AID", "APPLE_IDFA", "firstName")),
    ("companies", "companies_sample.csv", ("companyPageUrl", "organizationUrn")),
])
def test_having_says_which_rows_to_send_have_any_of_the_fields_as_data_spells_them(kind, sample, names):
    prepared = prepare(ROOT / "data" / sample, kind)
    spelled = [any(row[n] is not None for n in names if n in row) for row in prepared.data.to_pylist()]
    assert prepared.having(names).tolist() == spelled and 0 < sum(spelled) < len(prepared)
