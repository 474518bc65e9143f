"""The writing checks, MA-105 to MA-107: create a user and a company segment, add and remove
members one and several at a time, send the extra fields, and read it all back.

They run on the sandbox always, and on real LinkedIn only when the analyst allows them. The
test segments are named so nobody mistakes them (``Sign-off test – users – <date>``); the
test people and companies are obviously fake (``example.com`` addresses, an all-zero ad id)
so a real member is never uploaded. Everything goes through the same ``Sync`` as the app's
uploads (preparation, ledger, batches, per-element results).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import requests

from linkedin.api import segment_creation, segments
from linkedin.api.errors import ConnectionFailed, NotFound
from linkedin.signoff.core import account_list
from linkedin.signoff.environment import Context
from linkedin.signoff.evidence import Call, Outcome, failed, passed, skipped
from linkedin.sync.sender import Sender
from linkedin.sync.upload import Sync, Target
from linkedin.tables.preparation import prepare

OFF = ("Writing checks are off: on real LinkedIn they run only when you allow them (they create two clearly "
       "named test segments and add and remove test members).")
DESCRIPTION = "Created by the app's sign-off readiness check; safe to ignore."
READ_BACK_TRIES = 10  # a new segment may be invisible for a few seconds

# Test members: template headers as an analyst's file has them. Never a real person.
USERS = [
    {"email": "signoff.test.1@example.com", "firstname": "Sam", "lastname": "Signoff", "jobtitle": "QA Analyst",
     "employeecompany": "Example Corp", "country": "US", "googleaid": ""},
    {"email": "signoff.test.2@example.com", "firstname": "Alex", "lastname": "Signoff",
     "jobtitle": "Marketing Analyst", "employeecompany": "Example Corp", "country": "GB", "googleaid": ""},
    {"email": "", "firstname": "", "lastname": "", "jobtitle": "", "employeecompany": "", "country": "",
     "googleaid": "00000000-0000-4000-8000-000000000001"},  # a mobile ad id (MAID) alone
    {"email": "signoff.test.3@example.com", "firstname": "Robin", "lastname": "Signoff", "jobtitle": "Data Engineer",
     "employeecompany": "Example Org", "country": "DE", "googleaid": ""},
]
COMPANIES = [
    {"companyname": "Example Corp", "companywebsite": "https://www.example.com", "companyemaildomain": "example.com",
     "linkedincompanypageurl": "", "stocksymbol": "", "industry": "", "city": "", "state": "", "companycountry": "US",
     "zipcode": ""},
    {"companyname": "Example Org", "companywebsite": "example.org", "companyemaildomain": "example.org",
     "linkedincompanypageurl": "", "stocksymbol": "", "industry": "", "city": "", "state": "", "companycountry": "GB",
     "zipcode": ""},
    {"companyname": "Example Net", "companywebsite": "example.net", "companyemaildomain": "",
     "linkedincompanypageurl": "", "stocksymbol": "", "industry": "", "city": "", "state": "", "companycountry": "",
     "zipcode": ""},
    {"companyname": "Example Edu", "companywebsite": "example.edu", "companyemaildomain": "", "linkedincompanypageurl": "",
     "stocksymbol": "", "industry": "", "city": "", "state": "", "companycountry": "", "zipcode": ""},
]
# MA-107: one of each with every extra field LinkedIn takes.
FULL_USER = {"email": "signoff.test.4@example.com", "firstname": "Jordan", "lastname": "Signoff",
             "jobtitle": "Head of Marketing", "employeecompany": "Example Corp", "country": "FR", "googleaid": ""}
FULL_COMPANY = {"companyname": "Example Sign-off Test Inc", "companywebsite": "https://signoff-test.example.com",
                "companyemaildomain": "signoff-test.example.com",
                "linkedincompanypageurl": "https://www.linkedin.com/company/example-signoff-test",
                "stocksymbol": "EXMP", "industry": "Software Development", "city": "Mountain View", "state": "CA",
                "companycountry": "US", "zipcode": "94043"}
EXTRA_FIELDS = {
    "users": ("firstName", "lastName", "title", "company", "country"),
    "companies": ("companyWebsiteDomain", "companyEmailDomain", "companyPageUrl", "stockSymbol", "industries",
                  "city", "state", "country", "postalCode"),
}
# MA-106's steps: (mode, rows of the list above). Several, one, one, several; one member stays.
STEPS = (("add", (0, 1, 2)), ("add", (3,)), ("remove", (3,)), ("remove", (0, 1)))
KEPT = {"users": 1, "companies": 1}  # members left after the steps (row 2 of each list)


def _targets(ctx: Context) -> dict[str, Target] | Outcome:
    """The test segments MA-105 created, or the outcome that says why there are none."""
    if not ctx.writing:
        return skipped(OFF)
    targets = ctx.memo.get("targets")
    if not targets:
        return failed([("Test segments", "none: MA-105 did not create them")],
                      "Fix MA-105 (creating the test segments) first, then run again.")
    return targets


def _read_back(ctx: Context, segment_id: int) -> segments.Segment:
    """The segment by id; LinkedIn may not show a new segment for a few seconds."""
    for attempt in range(READ_BACK_TRIES):
        try:
            return segments.get(ctx.client, segment_id)
        except NotFound:
            if attempt == READ_BACK_TRIES - 1:
                raise
            ctx.sleep(1.0)
    raise AssertionError("unreachable")


def _sandbox_members(ctx: Context, segment_id: int) -> dict[str, Any] | None:
    """On the sandbox only: what the segment really holds (counts and stored keys, no raw email)."""
    if ctx.control is None:
        return None
    try:
        resp = ctx.http.get(f"{ctx.control.base_url}/_sandbox/segments/{segment_id}/members", timeout=30)
        return resp.json() if resp.status_code == 200 else None
    except (requests.RequestException, ValueError):
        raise ConnectionFailed("The sandbox's membership control did not answer") from None


def _stored(members: dict[str, Any] | None) -> int | None:
    if members is None:
        return None
    keys = members.get("keys")
    if isinstance(keys, dict):  # people: ids by idType
        return sum(len(v) for v in keys.values())
    return len(keys) if isinstance(keys, list) else None


def _check_back(ctx: Context, target: Target, expected: int, summary: list, problems: list[str]) -> None:
    """Read the segment back by id; on the sandbox also count what it really holds against ``expected``."""
    seg = _read_back(ctx, target.segment_id)
    inputs = seg.input_count if seg.input_count is not None else "n/a"
    label = target.kind.capitalize()
    summary.append((f"{label} segment read back", f"status {seg.status or 'none'}, input count {inputs}"))
    stored = _stored(_sandbox_members(ctx, target.segment_id))
    if stored is not None:
        summary.append((f"{label} the sandbox holds", f"{stored} (expected {expected})"))
        if stored != expected:
            problems.append(f"the {target.kind} segment holds {stored} members, not {expected}")


def _sync(ctx: Context, target: Target, rows: list[dict], mode: str):
    """One add or remove of ``rows`` through the app's own Sync; returns the finished upload run."""
    prepared = prepare(pd.DataFrame(rows, dtype=str), target.kind)
    sender = Sender(ctx.client, ctx.store, kind=target.kind, sleep=ctx.sleep)
    sync = Sync(ctx.client, ctx.store, prepared, target, sender=sender)
    return sync.run(sync.start(sync.plan(mode), owner=ctx.owner))


# MA-105 ---------------------------------------------------------------------------------------

def create_segments(ctx: Context) -> Outcome:
    """A USER and a COMPANY segment in an ACTIVE account the member may manage, read back by id."""
    if not ctx.writing:
        return skipped(OFF)
    found = account_list(ctx)
    usable = [a for a in found.manageable if a.status == "ACTIVE"]
    if not usable:
        return failed([("Ad accounts", len(found.accounts)), ("Where you can manage audiences", len(found.manageable))],
                      "Connect as a member with a role other than VIEWER on an ACTIVE ad account.")
    account = usable[0]
    summary: list[tuple[str, object]] = [("Ad account", f"{account.name} ({account.id}), your role {account.role}")]
    targets: dict[str, Target] = {}
    types: dict[str, str | None] = {}
    for kind in ("users", "companies"):
        created = segment_creation.create(ctx.client, account=account, name=ctx.segment_name(kind), kind=kind,
                                  description=DESCRIPTION)
        seg = _read_back(ctx, created.id)
        types[kind] = seg.type
        targets[kind] = Target(created.id, created.name, account.urn, kind, created_at=created.created_at,
                                account=account)
        summary.append((f"{kind.capitalize()} segment",
                        f"“{seg.name}” ({seg.id}): type {seg.type}, status {seg.status or 'none'}, "
                        f"sourcePlatform {seg.source_platform}"))
    ctx.memo["targets"] = targets
    summary.append(("Identifiers the user segment takes", "hashed emails (SHA256_EMAIL) and mobile ad ids "
                                                          "(GOOGLE_AID): both are sent in MA-106"))
    if types == {"users": "USER", "companies": "COMPANY"}:
        return passed(summary)
    return failed(summary, "LinkedIn created the segments with an unexpected type: check segment_creation.create.")


# MA-106 ---------------------------------------------------------------------------------------

def add_and_remove(ctx: Context) -> Outcome:
    """Add several, add one, remove one, remove several, for users and for companies; read back."""
    targets = _targets(ctx)
    if isinstance(targets, Outcome):
        return targets
    summary: list[tuple[str, object]] = []
    problems: list[str] = []
    for kind, table in (("users", USERS), ("companies", COMPANIES)):
        target = targets[kind]
        for mode, rows in STEPS:
            run = _sync(ctx, target, [table[i] for i in rows], mode)
            how = "one" if len(rows) == 1 else f"{len(rows)}"
            summary.append((f"{kind.capitalize()}: {mode} {how}",
                            f"{run.accepted} accepted, {run.rejected} rejected by LinkedIn ({run.state})"))
            if run.state != "done" or run.accepted != len(rows) or run.rejected:
                problems.append(f"{kind} {mode} {how}: {run.message or f'{run.rejected} rejected'}")
        _check_back(ctx, target, KEPT[kind], summary, problems)
    summary += [("Problem", p) for p in problems]
    if problems:
        return failed(summary, "Some members were not added or removed: open Uploads for the per-row results and "
                               "LinkedIn's reasons.")
    return passed(summary)


# MA-107 ---------------------------------------------------------------------------------------

def _sent_fields(calls: list[Call], kind: str) -> set[str]:
    suffix = f"/{kind}"
    return {f for c in calls if c.method == "POST" and c.path.split("?")[0].endswith(suffix)
            and c.status and c.status < 300 for f in c.fields}


def extra_fields(ctx: Context) -> Outcome:
    """One user and one company with every extra field LinkedIn takes: sent, accepted, read back."""
    targets = _targets(ctx)
    if isinstance(targets, Outcome):
        return targets
    summary: list[tuple[str, object]] = []
    problems: list[str] = []
    for kind, row in (("users", FULL_USER), ("companies", FULL_COMPANY)):
        target = targets[kind]
        mark = ctx.log.mark()
        run = _sync(ctx, target, [row], "add")
        sent = _sent_fields(ctx.log.since(mark), kind)
        missing = [f for f in EXTRA_FIELDS[kind] if f not in sent]
        summary.append((f"{kind.capitalize()}: fields sent", ", ".join(sorted(sent)) or "none"))
        summary.append((f"{kind.capitalize()}: LinkedIn's answer", f"{run.accepted} accepted, {run.rejected} rejected"))
        if missing:
            problems.append(f"{kind}: not sent: {', '.join(missing)}")
        if run.state != "done" or run.accepted != 1:
            problems.append(f"{kind}: {run.message or 'LinkedIn rejected the element'}")
        _check_back(ctx, target, KEPT[kind] + 1, summary, problems)
    summary += [("Problem", p) for p in problems]
    if problems:
        return failed(summary, "Map every extra column on the upload page (names, title, company, country; website, "
                               "email domain, page URL, ticker, industry, city, state, country, postal code) and "
                               "check LinkedIn's per-row reasons in Uploads.")
    return passed(summary)
