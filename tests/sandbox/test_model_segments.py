"""The segment model, membership and matching without HTTP."""

from __future__ import annotations

import hashlib

import pytest

from linkedin.sandbox import SandboxSettings, World
from linkedin.sandbox.companies import Companies
from linkedin.sandbox.matching import NO_MATCH, Matcher, bare_domain, company_name_key, page_key
from linkedin.sandbox.membership import CompanyMembership, Counts, UserMembership, company_key
from linkedin.sandbox.population import Population
from linkedin.sandbox.segments import DAY_MS, Lifetimes, Segment

LIFE = Lifetimes.of(SandboxSettings())
T0 = 1_800_000_000_000


def make(**over) -> Segment:
    fields = dict(id=1, account_id=2, name="s", type="USER", source_platform="X", ad_segment_id=3,
                  created_ms=T0, ready_ms=T0 + 120_000)
    fields.update(over)
    return Segment(**fields)


@pytest.mark.parametrize("offset_ms, status", [
    (0, "BUILDING"), (119_999, "BUILDING"), (120_000, "READY"), (30 * DAY_MS - 1, "READY"),
    (30 * DAY_MS, "ARCHIVED"), (90 * DAY_MS - 1, "ARCHIVED"), (90 * DAY_MS, "EXPIRED"), (400 * DAY_MS, "EXPIRED"),
])
def test_status_from_timestamps(offset_ms, status):
    assert make().status(T0 + offset_ms, LIFE) == status


def test_use_in_a_campaign_keeps_it_alive_and_fixed_statuses_stay():
    assert make(last_used_ms=T0 + 50 * DAY_MS).status(T0 + 60 * DAY_MS, LIFE) == "READY"
    assert make(fixed_status="FAILED").status(T0 + 500 * DAY_MS, LIFE) == "FAILED"


def test_counts_publish_when_processing_ends():
    s = make(ready_ms=T0)
    s.pending, s.pending_ms = Counts(), T0
    s.members = UserMembership(targetable=lambda m: True)
    s.members.add([("SHA256_EMAIL", "a" * 64)], 5)
    s.changed(T0 + 1000, update_ms=30_000)
    assert s.status(T0 + 1000, LIFE) == "UPDATING" and s.published == Counts(0, 0, 0)
    assert s.status_changed_ms(T0 + 2000, LIFE) == T0 + 1000
    s.settle(T0 + 31_000)
    assert s.status(T0 + 31_000, LIFE) == "READY" and s.published == Counts(1, 1, 1)
    assert s.status_changed_ms(T0 + 40_000, LIFE) == T0 + 31_000


def test_recent_counts_are_what_the_last_7_days_of_publications_changed():
    s = make(ready_ms=T0)
    assert s.recent(T0) is None  # nothing built yet
    for at, counts in ((T0, Counts(100, 60, 50)), (T0 + 10 * DAY_MS, Counts(130, 80, 70)),
                       (T0 + 20 * DAY_MS, Counts(120, 75, 65))):  # the last one only removed members
        s.pending, s.pending_ms = counts, at
        s.settle(at)
    assert s.published_log == [(T0, Counts(100, 60, 50)), (T0 + 10 * DAY_MS, Counts(130, 80, 70)),
                               (T0 + 20 * DAY_MS, Counts(120, 75, 65))]
    assert s.recent(T0 + 7 * DAY_MS - 1) == Counts(120, 75, 65)  # everything published is in the window
    assert s.recent(T0 + 11 * DAY_MS) == Counts(20, 15, 65)  # since the first publication left it
    assert s.recent(T0 + 21 * DAY_MS) == Counts(0, 0, 65)  # removals only: never below zero
    assert s.recent(T0 + 30 * DAY_MS) == Counts(0, 0, 65)
    assert s.published_log == [(T0 + 20 * DAY_MS, Counts(120, 75, 65))]  # older ones no longer needed


def test_user_membership_records_merge_and_count():
    m = UserMembership(targetable=lambda i: i != 9)
    m.add([("SHA256_EMAIL", "a")], 1)
    m.add([("SHA256_EMAIL", "b")], 1)  # a second record of the same member: a duplicate
    m.add([("SHA256_EMAIL", "c")], 9)  # opted out
    m.add([("SHA256_EMAIL", "d")], NO_MATCH)
    assert m.counts() == Counts(4, 3, 1)
    m.add([("SHA256_EMAIL", "d")], 2)  # matched now (e.g. on names): same record
    assert m.counts() == Counts(4, 4, 2)
    m.add([("GOOGLE_AID", "g"), ("SHA256_EMAIL", "a")], 1)  # merges into a's record
    assert m.counts() == Counts(4, 4, 2) and m.keys() == {"GOOGLE_AID": ["g"], "SHA256_EMAIL": ["a", "b", "c", "d"]}
    m.remove([("GOOGLE_AID", "g")])
    assert m.counts() == Counts(3, 3, 2) and m.keys() == {"SHA256_EMAIL": ["b", "c", "d"]}
    m.remove([("SHA256_EMAIL", "b"), ("SHA256_EMAIL", "zzz")])
    assert m.counts() == Counts(2, 2, 1) and m.members() == [2, 9]


def test_company_membership():
    m = CompanyMembership(targetable_members=lambda c: 100 * (c + 1))
    m.add("k1", 0)
    m.add("k2", 0)
    m.add("k3", 4)
    m.add("k4", NO_MATCH)
    assert m.counts() == Counts(4, 3, 100 + 500) and m.companies() == [0, 4]
    m.remove("other-key", 0)  # the same company under other identifiers
    assert m.counts() == Counts(2, 1, 500) and m.keys() == ["k3", "k4"]
    assert company_key({"companyName": " ACME  Corp ", "companyWebsiteDomain": "WWW.acme.example", "city": "x"}) == \
        "companyWebsiteDomain=acme.example|companyName=acme corp"


def test_population_is_a_prefix_of_a_bigger_one():
    small, big = Population.generate(seed=7, size=200), Population.generate(seed=7, size=400)
    assert small.members == big.members[:203]


def test_population_knows_some_emails_only():
    pop = Population.generate(seed=7, size=2000)
    others = pop.members[3:]
    assert all(m.email in (m.work_email, *m.known_emails) for m in others)
    assert 0.03 < sum(m.opted_out for m in others) / len(others) < 0.08
    assert 0.3 < sum(bool(m.apple_idfa) for m in others) / len(others) < 0.5
    assert all(pop.by_email(e) is m for m in others[:50] for e in m.known_emails)


def test_matcher():
    companies = Companies.generate(seed=7, size=50)
    pop = Population.generate(seed=7, size=300, employers=companies.employers())
    match = Matcher(pop, companies)
    m = pop.members[10]
    email = hashlib.sha256(m.email.encode()).hexdigest()
    assert match.match_user([("SHA256_EMAIL", email)], None, None, None) == 10
    assert match.match_user([("GOOGLE_AID", m.android_ad_id)], None, None, None) == 10
    assert match.match_user([("SHA256_EMAIL", "0" * 64)], m.first_name, m.last_name, m.employer) in (10, NO_MATCH)
    assert match.match_user([("SHA256_EMAIL", "0" * 64)], None, None, None) == NO_MATCH
    c = companies[20]
    assert match.match_company({"organizationUrn": c.urn}, use_ticker=True) == 20
    assert match.match_company({"companyWebsiteDomain": c.website_domain.upper()}, use_ticker=True) == 20
    assert match.match_company({"organizationUrn": "urn:li:organization:1"}, use_ticker=True) == NO_MATCH


@pytest.mark.parametrize("text, key", [
    ("https://www.linkedin.com/company/acme-corp", "acme-corp"),
    ("http://linkedin.com/company/1234/", "1234"),
    ("https://uk.linkedin.com/company/Acme", "acme"),
    ("https://www.linkedin.com/company/acme/about", None),
    ("https://www.linkedin.com/in/someone", None),
])
def test_page_key(text, key):
    assert page_key(text) == key


def test_name_and_domain_keys():
    assert company_name_key("Northwind Traders, Inc.") == company_name_key("northwind  traders") == "northwind traders"
    assert bare_domain(" WWW.Acme.Example. ") == "acme.example"


def test_world_api():
    world = World(population_size=20)
    account = next(a for a in world.ad_accounts.values() if a.name == "Northwind - Brand US")
    segment = world.create_segment(account_id=account.id, name="n", type="COMPANY", source_platform="X")
    assert world.segment_status(segment) == "BUILDING" and "inputCount" not in world.segment_json(segment)
    members = world.membership(segment)
    assert isinstance(members, CompanyMembership) and world.membership(segment) is members
    members.add("k", 0)
    world.members_changed(segment)
    assert segment.counts().audience == world.companies[0].targetable


def test_created_segment_ids_are_never_handed_out_again_after_a_restart(monkeypatch):
    """The sandbox keeps its world in memory: a restart must not give a new segment an old id
    (it would inherit the app's ledger and history of the old one). Seeded ids stay as the seed says."""
    import linkedin.sandbox.segments as segments_mod
    from linkedin.sandbox.segments import CREATED_IDS_FROM, SegmentStore, created_id_floor

    monkeypatch.setattr(segments_mod, "_last_created", 0)  # a fresh process
    first = SegmentStore(wall=lambda: 1_790_000_000.0)
    made = [first.created_ids()[0] for _ in range(300)]  # 300 segments within the same second
    monkeypatch.setattr(segments_mod, "_last_created", 0)  # a new process: only the wall clock is shared
    restarted = SegmentStore(wall=lambda: 1_790_000_004.0)  # four seconds later
    assert min(restarted.created_ids()[0] for _ in range(3)) > max(made) and len(set(made)) == 300
    assert created_id_floor(1_790_000_000.0) > CREATED_IDS_FROM > 9_900_000  # above every seeded id

    monkeypatch.undo()
    before = World(population_size=2_000, company_count=50)
    seeded = sorted(s.id for s in before.segments)
    account = next(iter(before.ad_accounts))
    old = before.create_segment(account_id=account, name="A", type="USER", source_platform="P").id
    before.reset()  # a reset (like a restart) keeps the seeded ids and never reuses a created one
    again = World(population_size=2_000, company_count=50)
    assert sorted(s.id for s in again.segments) == seeded and max(seeded) < old
    new = {before.create_segment(account_id=account, name="B", type="USER", source_platform="P").id,
           again.create_segment(account_id=account, name="C", type="USER", source_platform="P").id}
    assert old not in new and len(new) == 2
