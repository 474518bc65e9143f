"""Seeded DMP segments: the demo portfolio and the benchmark portfolio control.

Demo (Avery Analyst's accounts, see `accounts.py`): segments in every status (BUILDING,
one building for more than 48 h, UPDATING, READY with >= 300 members, READY under 300,
READY with size 0, ARCHIVED, about to archive, about to expire, EXPIRED, FAILED, ERROR),
of every type, from several source platforms (this app's partner enum, LIST_UPLOAD,
SEGMENT, LinkedIn's predictive audiences); "Northwind - Enterprise ABM" has 120 segments,
"Northwind - Careers Employer Brand" (ACTIVE) none. Vic Viewer sees Brand US and Demand
Gen EMEA read-only, plus Contoso's own. Counts are realistic: match rates 20-80 %,
audience size below the matched count (duplicates and opt-outs). READY streaming
segments were fed in the last days (counts in LinkedIn's 7-day window); READY list
uploads were mostly sent weeks ago, idle ones (archived, expiring) long ago: no counts.

Timestamps are relative to the reset time, so statuses move as the sandbox clock does.
`add_portfolio` adds N ACTIVE accounts x M segments for a member (benchmarks).

The functions take the parts of the world they fill (its segment store, its accounts), not
the ``World``, which calls them: the world is built on this module, never the other way round."""

from __future__ import annotations

import random

from .accounts import AccountUser, AdAccount
from .membership import Counts
from .segments import DAY_MS, Segment, SegmentStore

HOUR_MS = 3_600_000
OURS = "ours"  # stands for settings.partner_source_platform
PREDICTIVE = "LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES"

# name, type, source platform, scenario, input count, match rate
_Spec = tuple[str, str, str, str, int, float]
DEMO: dict[str, tuple[_Spec, ...]] = {
    "Northwind - Brand US": (
        ("Newsletter subscribers (US)", "USER", OURS, "ready", 48_000, 0.62),
        ("Webinar attendees Q2", "USER", OURS, "updating", 9_200, 0.55),
        ("Trade show leads (just uploaded)", "USER", OURS, "building", 3_400, 0.48),
        ("Target accounts - Fortune 500", "COMPANY", OURS, "ready", 500, 0.86),
        ("Churned customers 2024", "USER_LIST_UPLOAD", "LIST_UPLOAD", "ready_small", 620, 0.31),
        ("Beta waitlist", "USER", OURS, "ready_zero", 60, 0.0),
        ("Partner contacts (CRM sync)", "USER", "SEGMENT", "archive_soon", 15_500, 0.44),
        ("Holiday campaign 2025", "USER", OURS, "archived", 22_000, 0.58),
        ("Spring promo 2025 accounts", "COMPANY_LIST_UPLOAD", "LIST_UPLOAD", "expired", 1_200, 0.71),
        ("Predicted converters", "USER", PREDICTIVE, "ready", 120_000, 0.7),
        ("Event badge scans (bad file)", "COMPANY_LIST_UPLOAD", "LIST_UPLOAD", "failed", 340, 0.0),
        ("CRM export (broken sync)", "USER", "SEGMENT", "error", 5_000, 0.0),
        ("Enterprise IT buyers", "COMPANY", OURS, "expire_soon", 2_300, 0.64),
        ("Product signups (slow build)", "USER", OURS, "building_long", 27_000, 0.52),
    ),
    "Northwind - Demand Gen EMEA": (
        ("EMEA webinar registrants", "USER", OURS, "ready", 12_400, 0.47),
        ("DACH target accounts", "COMPANY", OURS, "ready", 850, 0.79),
        ("UK event leads", "USER", "SEGMENT", "updating", 4_100, 0.39),
        ("Pilot ABM list (3 companies)", "COMPANY_LIST_UPLOAD", "LIST_UPLOAD", "ready_small", 3, 0.34),
        ("France newsletter", "USER", OURS, "archived", 7_800, 0.51),
        ("Benelux prospects", "USER_LIST_UPLOAD", "LIST_UPLOAD", "building", 2_900, 0.35),
    ),
    "Northwind - Recruiting": (
        ("Past applicants", "USER", OURS, "ready", 31_000, 0.66),
        ("Talent community", "USER", "SEGMENT", "ready", 8_700, 0.58),
        ("Alumni network", "USER", OURS, "expired", 4_400, 0.49),
    ),
    "Northwind - Creative Studio": (
        ("Design leads", "USER", OURS, "ready", 2_100, 0.43),
        ("Agency partners", "COMPANY", OURS, "updating", 140, 0.81),
    ),
    "Northwind - Partner Co-op": (
        ("Co-op partner accounts", "COMPANY", "SEGMENT", "ready", 640, 0.74),
        ("Joint webinar attendees", "USER", "SEGMENT", "ready", 5_300, 0.5),
        ("Co-op lookalike seed", "USER", PREDICTIVE, "archived", 18_000, 0.61),
        ("Partner portal users", "USER", OURS, "building", 1_500, 0.4),
    ),
    "Northwind - Sandbox Test": (
        ("QA contacts", "USER", OURS, "ready_small", 400, 0.5),
        ("QA companies", "COMPANY", OURS, "ready_zero", 0, 0.0),
    ),
    "Northwind - Events 2025": (
        ("Booth visitors 2025", "USER", OURS, "archived", 6_600, 0.45),
        ("Speakers 2025", "USER_LIST_UPLOAD", "LIST_UPLOAD", "expired", 380, 0.72),
        ("Sponsors 2025", "COMPANY", OURS, "expired", 95, 0.88),
    ),
    "Northwind - Legacy APAC": (
        ("APAC customers", "USER", "SEGMENT", "expired", 9_900, 0.41),
        ("APAC target accounts", "COMPANY_LIST_UPLOAD", "LIST_UPLOAD", "expired", 700, 0.66),
    ),
    "Northwind - Q3 Launch (draft)": (
        ("Q3 launch list", "USER", OURS, "building", 11_000, 0.5),
    ),
    "Northwind - Old Agency": (
        ("Agency retargeting list", "USER", "SEGMENT", "archived", 13_000, 0.36),
    ),
    "Northwind - Retired Brand": (
        ("Retired brand fans", "USER", OURS, "expired", 21_000, 0.55),
    ),
    "Contoso - Awareness": (
        ("Contoso newsletter", "USER", "SEGMENT", "ready", 26_000, 0.57),
        ("Contoso ABM", "COMPANY", "SEGMENT", "ready", 300, 0.8),
        ("Contoso event leads", "USER_LIST_UPLOAD", "LIST_UPLOAD", "updating", 3_000, 0.45),
    ),
}
LARGE_ACCOUNT = "Northwind - Enterprise ABM"
LARGE_ACCOUNT_SEGMENTS = 120

_THEMES = (
    "ABM tier 1 accounts", "ABM tier 2 accounts", "Webinar attendees", "Newsletter subscribers", "Trial users",
    "Event leads", "Customer upsell", "Lapsed customers", "Competitor accounts", "Industry: finance",
    "Industry: healthcare", "Partner referrals", "Job seekers", "Content downloads", "Sales qualified leads",
)
_SCENARIOS = (
    ("ready", 60), ("ready_small", 8), ("updating", 6), ("building", 5), ("archive_soon", 5), ("archived", 7),
    ("expire_soon", 3), ("expired", 3), ("ready_zero", 1), ("failed", 1), ("error", 1),
)
_TYPES = (("USER", 55), ("COMPANY", 35), ("COMPANY_LIST_UPLOAD", 7), ("USER_LIST_UPLOAD", 3))


def _counts(rng: random.Random, kind: str, inputs: int, rate: float, scenario: str) -> Counts:
    """Realistic counts: matched = input x rate; audience below it for people
    (duplicates, opt-outs), members employed at the matched companies for companies."""
    if scenario == "ready_zero":
        return Counts(inputs, 0, 0)
    matched = round(inputs * rate)
    if kind.startswith("COMPANY"):
        per_company = 110 if scenario == "ready_small" else rng.randrange(150, 900)
        return Counts(inputs, matched, matched * per_company)
    audience = int(matched * rng.uniform(0.82, 0.95))
    if scenario == "ready_small":
        audience = min(audience, 299)
    return Counts(inputs, matched, audience)


def _timeline(rng: random.Random, scenario: str, now: int, counts: Counts, *, list_upload: bool) -> dict:
    """Timestamps and published/pending counts that make `scenario` the status at `now`.

    The published counts are logged at the end of the update that brought them, so the 7-day
    window of counts (`segments.COUNTS_WINDOW_DAYS`) holds them only when that was recent:
    streaming segments are fed by a nightly sync, list uploads were sent once, weeks ago."""
    created = now - rng.randrange(20, 200) * DAY_MS
    ready = created + rng.randrange(2, 40) * HOUR_MS
    t: dict = {"created_ms": created, "ready_ms": ready, "published": counts}
    idle_days = {"archive_soon": 27, "archived": 40, "expire_soon": 86, "expired": 130}
    if scenario in ("building", "building_long"):
        created = now - (50 * HOUR_MS if scenario == "building_long" else rng.randrange(1, 6) * HOUR_MS)
        t.update(created_ms=created, ready_ms=now + rng.randrange(2, 8) * HOUR_MS, published=None, pending=counts)
        t["pending_ms"] = t["ready_ms"]
    elif scenario == "updating":
        changed = now - rng.randrange(1, 10) * 60_000
        old = Counts(int(counts.input * 0.9), int(counts.matched * 0.9), int(counts.audience * 0.9))
        t.update(last_modified_ms=changed, changed_ms=changed, busy_until_ms=now + rng.randrange(10, 40) * 60_000,
                 published=old, pending=counts)
        t["pending_ms"] = t["busy_until_ms"]
    elif scenario in idle_days:
        days = idle_days[scenario] + rng.random() * 0.5
        modified = now - int(days * DAY_MS)
        t["created_ms"] = min(created, modified - 3 * DAY_MS)
        t["ready_ms"] = t["created_ms"] + rng.randrange(2, 40) * HOUR_MS
        t.update(_updated(rng, modified))
    elif scenario in ("failed", "error"):
        t.update(fixed_status=scenario.upper(), fixed_status_ms=ready, last_modified_ms=created,
                 published=Counts(counts.input, 0, 0) if scenario == "failed" else None)
    else:  # READY, recently used in a campaign: fed in the last few days, or a list uploaded once
        ago = rng.randrange(1, 60)
        modified = max(ready + HOUR_MS, now - (ago * DAY_MS if list_upload else ago * 2 * HOUR_MS))
        t.update(_updated(rng, modified), last_used_ms=now - rng.randrange(0, 5) * DAY_MS)
    if t["published"] is not None:
        at = t["changed_ms"] - DAY_MS if scenario == "updating" else t.get("busy_until_ms", t["ready_ms"])
        t["published_log"] = [(at, t["published"])]  # "updating": the previous nightly sync
    return t


def _updated(rng: random.Random, modified: int) -> dict:
    """Members last changed at `modified`, processed within minutes."""
    return {"last_modified_ms": modified, "changed_ms": modified, "busy_until_ms": modified + rng.randrange(2, 30) * 60_000}


def make_segment(segments: SegmentStore, partner: str, rng: random.Random, account_id: int, spec: _Spec, *,
                 now: int) -> Segment:
    """One seeded segment in ``segments``; ``partner`` is this app's source platform (``OURS``)."""
    name, kind, platform, scenario, inputs, rate = spec
    counts = _counts(rng, kind, inputs, rate, scenario)
    timeline = _timeline(rng, scenario, now, counts, list_upload=kind.endswith("LIST_UPLOAD"))
    segment_id, ad_segment_id = segments.new_ids(gap=rng.randrange(1, 400))
    platform = partner if platform == OURS else platform
    source_id = None
    if platform == partner:
        source_id = f"seed-{segment_id}"
    elif platform == "SEGMENT":
        source_id = f"aud_{rng.getrandbits(40):010x}"
    return segments.add(Segment(
        id=segment_id, account_id=account_id, name=name, type=kind, source_platform=platform,
        ad_segment_id=ad_segment_id, source_segment_id=source_id,
        description="Synced nightly from the CRM" if platform == "SEGMENT" else None,
        baseline=counts, visible_ms=timeline["created_ms"], **timeline,
    ))


def generated_spec(rng: random.Random, index: int) -> _Spec:
    scenario = rng.choices([s for s, _ in _SCENARIOS], [w for _, w in _SCENARIOS])[0]
    kind = rng.choices([k for k, _ in _TYPES], [w for _, w in _TYPES])[0]
    if kind.endswith("LIST_UPLOAD"):
        platform = "LIST_UPLOAD"
    else:
        platform = rng.choices([OURS, "SEGMENT", PREDICTIVE], [70, 25, 5])[0]
    rate = round(rng.uniform(0.2, 0.8), 2)
    if kind.startswith("COMPANY"):
        inputs = rng.randrange(1, 3) if scenario == "ready_small" else rng.randrange(200, 5_000)
    else:
        inputs = rng.randrange(80, int(300 / rate)) if scenario == "ready_small" else int(10 ** rng.uniform(2.7, 5.2))
    name = f"{rng.choice(_THEMES)} {index + 1:03d}"
    return (name, kind, platform, scenario, inputs, rate)


def seed_segments(segments: SegmentStore, partner: str, ad_accounts: dict[int, AdAccount], *, seed: int,
                  now: int) -> None:
    """The demo segments on the seeded accounts; ids and counts depend only on the seed."""
    rng = random.Random(f"segments:{seed}")
    segments.clear(first_id=9_400_000 + rng.randrange(100_000), first_ad_segment_id=8_500_000 + rng.randrange(100_000))
    by_name = {a.name: a.id for a in ad_accounts.values()}
    for account_name, specs in DEMO.items():
        for spec in specs:
            make_segment(segments, partner, rng, by_name[account_name], spec, now=now)
    for i in range(LARGE_ACCOUNT_SEGMENTS):
        make_segment(segments, partner, rng, by_name[LARGE_ACCOUNT], generated_spec(rng, i), now=now)


def add_portfolio(segments: SegmentStore, partner: str, ad_accounts: dict[int, AdAccount],
                  account_users: dict[tuple[int, str], AccountUser], member_urn: str, *, seed: int, now: int,
                  accounts: int, segments_per_account: int) -> list[int]:
    """N new ACTIVE accounts where the member is ACCOUNT_MANAGER, M segments in each.

    Deterministic for a given world state; returns the new account ids."""
    rng = random.Random(f"portfolio:{seed}:{member_urn}:{len(ad_accounts)}")
    next_id = max([600_000_000, *(a for a in ad_accounts if a >= 600_000_000)]) + 1
    made: list[int] = []
    for i in range(accounts):
        account_id = next_id + rng.randrange(0, 1000)
        next_id = account_id + 1
        created = now - rng.randrange(30, 700) * DAY_MS
        ad_accounts[account_id] = AdAccount(
            id=account_id, name=f"Benchmark account {account_id}", status="ACTIVE", type="BUSINESS",
            currency="USD", reference="urn:li:organization:2414183", created_ms=created, last_modified_ms=created,
            serving_statuses=("RUNNABLE",),
        )
        account_users[(account_id, member_urn)] = AccountUser(
            account_id=account_id, user=member_urn, role="ACCOUNT_MANAGER", created_ms=created, last_modified_ms=created,
        )
        for j in range(segments_per_account):
            make_segment(segments, partner, rng, account_id, generated_spec(rng, j), now=now)
        made.append(account_id)
    return made
