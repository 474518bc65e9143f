"""POST /rest/dmpSegments/{id}/companies over HTTP: every match key, strict validation,
the uncertain fields as settings, audience sizes from the members employed, and the exact
membership stored."""

from __future__ import annotations

import pytest

from .test_segment_users import account_id, members, new_segment, segment, send


@pytest.fixture
def token(sandbox) -> str:
    sandbox.settings(segment_visibility_delay_seconds=0, segment_build_seconds=0, segment_update_seconds=0)
    return sandbox.token("r_ads rw_dmp_segments")["access_token"]


@pytest.fixture
def sid(sandbox, token, world) -> int:
    return new_segment(sandbox, token, world, kind="COMPANY")


def company(**fields) -> dict:
    return {"action": "ADD", **fields}


def send_companies(sandbox, token, sid, elements):
    return send(sandbox, token, sid, elements, path="companies")


def pick(world, predicate):
    return next(c for c in world.companies.companies[10:] if predicate(c))


def test_every_match_key(sandbox, token, world, sid):
    c = [c for c in world.companies.companies[10:30]]
    ticker = pick(world, lambda x: x.ticker)
    mail = pick(world, lambda x: x.email_domain != x.website_domain)
    named = pick(world, lambda x: x.name_matchable and x not in c)
    unnamed = pick(world, lambda x: not x.name_matchable)
    elements = [
        company(organizationUrn=c[0].urn),
        company(companyPageUrl=c[1].page_url),
        company(companyPageUrl=f"https://linkedin.com/company/{c[2].id}/"),
        company(companyWebsiteDomain="www." + c[3].website_domain),
        company(companyEmailDomain=mail.email_domain),
        company(stockSymbol=ticker.ticker, companyName="Something Else Entirely"),
        company(companyName=named.name.upper() + " Inc."),
        company(companyName=unnamed.name),  # LinkedIn's name match misses this one
        company(companyName="No Such Company Anywhere"),
        company(companyWebsiteDomain="unknown-domain.example"),
    ]
    r = send_companies(sandbox, token, sid, elements)
    assert r.json() == {"elements": [{"status": 201}] * len(elements)}
    held = members(sandbox, sid)
    matched = [c[0], c[1], c[2], c[3], mail, ticker, named]
    assert held["organizations"] == sorted(held["organizations"])
    assert set(held["organizations"]) == {x.id for x in matched}
    assert held["counts"] == {"input": 10, "matched": 7, "audience": sum(x.targetable for x in set(matched))}
    got = segment(sandbox, token, sid)
    assert got["inputCount"] == 10 and got["destinations"][0]["matchedCount"] == 7
    assert got["destinations"][0]["audienceSize"] == held["counts"]["audience"] > 0


def test_audience_counts_each_company_once(sandbox, token, world, sid):
    c = world.companies[15]
    send_companies(sandbox, token, sid, [company(companyName=c.name, companyWebsiteDomain=c.website_domain),
                                         company(organizationUrn=c.urn)])
    held = members(sandbox, sid)
    assert held["counts"] == {"input": 2, "matched": 2, "audience": c.targetable}
    assert c.targetable < c.members  # opted-out members are left out


def test_remove_by_the_same_or_another_key(sandbox, token, world, sid):
    a, b, d = world.companies[11], world.companies[12], world.companies[13]
    send_companies(sandbox, token, sid, [company(companyWebsiteDomain=a.website_domain, companyName=a.name),
                                         company(organizationUrn=b.urn), company(organizationUrn=d.urn)])
    send_companies(sandbox, token, sid, [
        {"action": "REMOVE", "companyName": a.name, "companyWebsiteDomain": a.website_domain},  # same key
        {"action": "REMOVE", "companyPageUrl": b.page_url},  # another key, the same company
        {"action": "REMOVE", "companyName": "Never Added"},
    ])
    held = members(sandbox, sid)
    assert held["keys"] == [f"organizationUrn={d.urn}"] and held["organizations"] == [d.id]
    assert held["counts"] == {"input": 1, "matched": 1, "audience": d.targetable}


def test_keys_are_normalized(sandbox, token, world, sid):
    send_companies(sandbox, token, sid, [
        company(companyName="  Acme   Widgets ", companyWebsiteDomain="WWW.Acme.example"),
        company(companyName="acme widgets", companyWebsiteDomain="acme.example"),  # the same company key
    ])
    assert members(sandbox, sid)["keys"] == ["companyWebsiteDomain=acme.example|companyName=acme widgets"]


@pytest.mark.parametrize("element, message", [
    (company(), "at least one of companyName, companyWebsiteDomain, companyEmailDomain, organizationUrn, "
                "companyPageUrl is required"),
    (company(city="Berlin", country="DE"), "at least one of companyName, companyWebsiteDomain, companyEmailDomain, "
                                           "organizationUrn, companyPageUrl is required"),
    (company(companyName="  "), "at least one of companyName, companyWebsiteDomain, companyEmailDomain, "
                                "organizationUrn, companyPageUrl is required"),
    (company(companyWebsiteDomain="https://acme.example"),
     "companyWebsiteDomain must be a bare domain such as example.com (no scheme, path or port)"),
    (company(companyWebsiteDomain="acme.example/about"),
     "companyWebsiteDomain must be a bare domain such as example.com (no scheme, path or port)"),
    (company(companyEmailDomain="jane@acme.example"),
     "companyEmailDomain must be a bare domain such as example.com (no scheme, path or port)"),
    (company(organizationUrn="12345"), "organizationUrn must be urn:li:organization:<id>"),
    (company(organizationUrn="urn:li:company:12345"), "organizationUrn must be urn:li:organization:<id>"),
    (company(companyPageUrl="https://www.linkedin.com/in/someone"),
     "companyPageUrl must be https://www.linkedin.com/company/<name or id>"),
    (company(companyPageUrl="linkedin.com/company/acme"),
     "companyPageUrl must be https://www.linkedin.com/company/<name or id>"),
    (company(companyName="Acme", stockSymbol="msft"), "stockSymbol must be an upper-case ticker such as MSFT"),
    (company(companyName="Acme", industries=["Software Development"]), "industries must be a string"),
    (company(companyName="Acme", country="Germany"), "country must be an ISO 3166-1 alpha-2 code in upper case, "
                                                     "such as US"),
    (company(companyName="Acme", postalCode="1" * 21), "postalCode must be at most 20 characters"),
    (company(companyName="A" * 101), "companyName must be at most 100 characters"),
    (company(companyName=5), "companyName must be a string"),
    (company(companyName="Acme", companyIds=[{"idType": "DOMAIN", "idValue": "acme.example"}]),
     "unrecognized field 'companyIds'"),
    ({"companyName": "Acme"}, "action must be ADD or REMOVE"),
])
def test_element_validation(sandbox, token, sid, element, message):
    r = send_companies(sandbox, token, sid, [element])
    assert r.json() == {"elements": [{"status": 400, "message": message, "batchIndex": 0}]}


def test_a_full_valid_element(sandbox, token, world, sid):
    c = world.companies[20]
    element = company(companyName=c.name, companyWebsiteDomain=c.website_domain, companyEmailDomain=c.email_domain,
                      organizationUrn=c.urn, companyPageUrl=c.page_url, stockSymbol="ABC.B",
                      industries="Software Development", city=c.city, state=c.state, country=c.country,
                      postalCode=c.postal_code)
    assert send_companies(sandbox, token, sid, [element]).json() == {"elements": [{"status": 201}]}


def test_stock_symbol_setting(sandbox, token, world, sid):
    listed = pick(world, lambda x: x.ticker)
    sandbox.settings(stock_symbol="ignored")
    r = send_companies(sandbox, token, sid, [company(stockSymbol="lower-is-not-checked", companyName="Nope Inc"),
                                             company(stockSymbol=listed.ticker, companyName="Nope 2")])
    assert [e["status"] for e in r.json()["elements"]] == [201, 201]
    assert members(sandbox, sid)["counts"]["matched"] == 0  # ignored: never matched on
    sandbox.settings(stock_symbol="rejected")
    r = send_companies(sandbox, token, sid, [company(stockSymbol=listed.ticker, companyName="Nope")])
    assert r.json()["elements"][0]["message"] == "unrecognized field 'stockSymbol'"


@pytest.mark.parametrize("shape, ok", [
    ("string", ["Banking"]),
    ("list", [["Banking", "Insurance"]]),
    ("either", ["Banking", ["Banking"]]),
])
def test_industries_shape_setting(sandbox, token, sid, shape, ok):
    sandbox.settings(industries_shape=shape)
    r = send_companies(sandbox, token, sid, [company(companyName="Acme", industries=v) for v in ok])
    assert {e["status"] for e in r.json()["elements"]} == {201}
    wrong = {"string": ["Banking"], "list": "Banking", "either": 5}[shape]
    r = send_companies(sandbox, token, sid, [company(companyName="Acme", industries=wrong)])
    assert r.json()["elements"][0]["status"] == 400


def test_which_segments_take_companies(sandbox, token, world):
    user = new_segment(sandbox, token, world)
    r = send_companies(sandbox, token, user, [company(companyName="Acme")])
    assert r.status_code == 400 and "USER" in r.json()["message"]
    upload = new_segment(sandbox, token, world, kind="COMPANY_LIST_UPLOAD")
    assert send_companies(sandbox, token, upload, [company(companyName="Acme")]).status_code == 400
    failed = next(s for s in world.segments if world.segment_status(s) == "FAILED")
    assert failed.type == "COMPANY_LIST_UPLOAD"
    coop = next(s for s in world.segments.of_account(account_id(world, "Northwind - Partner Co-op"))
                if s.type == "COMPANY")
    r = send_companies(sandbox, token, coop.id, [company(companyName="Acme")])
    assert r.status_code == 403  # Avery is VIEWER there
    r = send(sandbox, token, new_segment(sandbox, token, world, kind="COMPANY"), [company(companyName="Acme")],
             method=None, path="companies")
    assert r.status_code == 400


def test_company_population_is_realistic(world):
    companies = world.companies.companies
    assert len(companies) == 2000
    assert companies[0].name == "Northwind Traders" and companies[0].id == 2414183
    assert len({c.id for c in companies}) == len({c.slug for c in companies}) == len({c.website_domain for c in companies}) \
        == 2000
    assert 0.1 < sum(bool(c.ticker) for c in companies) / 2000 < 0.2
    assert all(c.page_url == f"https://www.linkedin.com/company/{c.slug}" for c in companies)
    sizes = sorted(c.members for c in companies)
    assert sizes[0] >= 20 and sizes[-1] > 50_000
    employers = {c.name for c in companies}
    assert all(m.employer in employers for m in world.population.members)
