"""The identifier mix of a segment from its runs' counts, and advice grounded in the account's own numbers."""

from __future__ import annotations

import pandas as pd

from linkedin.api.segments import Segment
from linkedin.insights.mix import Mix, advice, frame, of_profiles
from linkedin.store import Store
from linkedin.sync.profiles import Profile, Profiles

ACCOUNT = "urn:li:sponsoredAccount:1"


def people(personal: int, business: int, *, hashed: int = 0, ad_id: int = 0, name_only: int = 0) -> Profile:
    plain = personal + business
    unique = plain + hashed + name_only
    return Profile(kind="users", rows=unique, valid=unique, unique=unique, emails_plain=plain, emails_hashed=hashed,
                   emails_personal=personal, emails_business=business, with_email=plain + hashed, with_ad_id=ad_id,
                   name_only=name_only)


def seg(seg_id: int, matched: int, inputs: int = 1000) -> Segment:
    return Segment.from_api({"id": seg_id, "name": f"S{seg_id}", "account": ACCOUNT, "inputCount": inputs,
                             "destinations": [{"destination": "LINKEDIN", "status": "READY", "matchedCount": matched,
                                               "audienceSize": matched}]})


def test_the_mix_sums_every_run_of_a_segment():
    mix = of_profiles([people(10, 90), people(30, 70, hashed=100, ad_id=50, name_only=100)])
    assert mix == Mix(kind="users", runs=2, rows=400, personal=40 / 200, hashed=100 / 300, ad_id=50 / 400,
                      name_only=100 / 400)
    assert of_profiles([]) is None


def test_companies_are_described_by_their_strongest_key():
    profile = Profile(kind="companies", rows=10, valid=10, unique=10, page=2, domain=5, company_name_only=3)
    assert of_profiles([profile]) == Mix(kind="companies", runs=1, rows=10, page=0.2, domain_only=0.5,
                                         company_name_only=0.3)


def test_frame_puts_the_mix_beside_the_match_rate_for_segments_the_app_sent_to():
    store = Store(":memory:")
    profiles = Profiles(store)
    profiles.save("r1", segment_id=1, account=ACCOUNT, profile=people(12, 88))
    table = frame([seg(1, 300), seg(2, 500)], store)
    assert table[["segment_id", "runs", "match_rate", "personal"]].to_dict("records") == [
        {"segment_id": 1, "runs": 1, "match_rate": 0.3, "personal": 0.12}]


def test_advice_is_grounded_in_the_accounts_own_segments():
    store = Store(":memory:")
    profiles = Profiles(store)
    for seg_id, personal in ((1, 12), (2, 40), (3, 70), (4, 80)):
        profiles.save(f"r{seg_id}", segment_id=seg_id, account=ACCOUNT, profile=people(personal, 100 - personal))
    mixes = frame([seg(1, 250), seg(2, 350), seg(3, 600), seg(4, 650)], store)
    assert advice(1, mixes) == [
        "Only 12% of these rows have a personal email; lists with more personal emails match better in your account."]
    assert advice(4, mixes) == ["Nothing in this segment's identifier mix stands out against your other segments."]
    assert advice(9, mixes) == ["This app has not sent anything to this segment, so its identifier mix is unknown."]


def test_with_too_few_segments_the_advice_says_what_usually_holds():
    mixes = pd.DataFrame([{"segment_id": 1, "segment": "S1", "kind": "users", "runs": 1, "rows": 100,
                           "match_rate": 0.3, "personal": 0.1, "hashed": 0.0, "ad_id": 0.0, "name_only": 0.3,
                           "page": None, "domain_only": None, "company_name_only": None}])
    assert advice(1, mixes) == [
        "Only 10% of these rows have a personal email; on LinkedIn lists with more personal emails usually match "
        "better.",
        "30% of these rows were sent by name only; on LinkedIn lists with fewer name-only people usually match better."]
