"""The sign-off script: one check per requirement, in order, each turned into ``Evidence``.

``run(connection, options)`` walks MA-001 to MA-107 with the calls recorded, keeps the run
in the store and returns it. Every requirement's evidence is the calls it made itself: a
check that would pass without a call of its own fails (``NO_CALL``), since nothing shows it; ``on_start`` / ``on_done`` let a page or a terminal show the
progress live. A check that raises becomes a failure with LinkedIn's explanation (never a
crash, never a token: LinkedIn errors carry none, and other errors are named by type only).
"""

from __future__ import annotations

import logging
import time
import traceback
import uuid
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import linkedin.signoff.basics as basics
import linkedin.signoff.core as core
import linkedin.signoff.writing as writing
from linkedin.api.connection import Connection
from linkedin.api.errors import LinkedInError
from linkedin.insights import portfolio
from linkedin.signoff.environment import Context, Options
from linkedin.signoff.evidence import PASS, Evidence, Outcome, Run, failed
from linkedin.signoff.runs import Runs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    """One requirement and the function that demonstrates it."""

    id: str
    title: str
    run: Callable[[Context], Outcome]
    writes: bool = False  # changes something on LinkedIn: needs writing allowed off the sandbox


CHECKS: tuple[Check, ...] = (
    Check("MA-001", "OAuth 2.0 with the right scopes and the consent screen", basics.oauth_consent),
    Check("MA-002", "Periodically verify that the access token is valid (heartbeat)", basics.heartbeat),
    Check("MA-003", "Detect access-token expiry", basics.access_expiry),
    Check("MA-004", "Re-trigger the OAuth flow when the token expired or was invalidated", basics.reconnect_after_revoke),
    Check("MA-005", "Use the refresh token to mint new access tokens", basics.refresh),
    Check("MA-006", "Detect refresh-token expiry and re-trigger the OAuth flow", basics.refresh_expiry),
    Check("MA-101", "List all ad accounts of the member, with status", core.ad_accounts),
    Check("MA-102", "Read all audiences uploaded by our platform, per ad account", core.our_segments),
    Check("MA-103", "Read the status of all uploaded segments", core.segment_statuses),
    Check("MA-104", "Read match rate, audience size and readiness of a segment", core.segment_numbers),
    Check("MA-105", "Create a user segment and a company segment", writing.create_segments, writes=True),
    Check("MA-106", "Add and remove one and several users and companies", writing.add_and_remove, writes=True),
    Check("MA-107", "Extra fields for users and companies", writing.extra_fields, writes=True),
)
IDS = tuple(c.id for c in CHECKS)
NO_CALL = ("The check made no call to LinkedIn of its own, so nothing shows the requirement: it cannot pass on "
           "what another check read. Report this as a bug in the check.")


def run_check(ctx: Context, check: Check) -> Evidence:
    """Run one check; whatever happens, return its evidence with the calls it made."""
    started = ctx.clock()
    mark = ctx.log.mark()
    try:
        outcome = check.run(ctx)
    except LinkedInError as err:
        summary = [("Error", str(err))]
        if err.service_error_code:
            summary.append(("serviceErrorCode", err.service_error_code))
        outcome = failed(summary, err.explain())
    except ValueError as err:  # bad input (a name, a member): our own messages, fit to show
        outcome = failed([("Error", str(err))], "Correct what the error names, then run the check again.")
    except Exception as err:  # a bug: named by type only; the log gets where, never the message
        log.error("sign-off check %s crashed with %s at\n%s", check.id, type(err).__name__,
                  "".join(traceback.format_tb(err.__traceback__)))
        outcome = failed([("Error", f"unexpected {type(err).__name__}")],
                         "The check itself failed: see the app's log and report it.")
    calls = tuple(ctx.log.since(mark))
    if outcome.status == PASS and not calls:
        outcome = failed([*outcome.summary, ("Calls made", 0)], NO_CALL)
    return Evidence(check.id, check.title, outcome.status, started, ctx.clock(), calls,
                    outcome.summary, outcome.todo, outcome.reason)


def target_name(ctx: Context) -> str:
    return "LinkedIn sandbox" if ctx.sandbox else (urlsplit(ctx.settings.api_base_url).hostname or "LinkedIn")


def run(
    connection: Connection,
    options: Options = Options(),
    *,
    only: tuple[str, ...] | None = None,
    on_start: Callable[[Check], None] | None = None,
    on_done: Callable[[Check, Evidence], None] | None = None,
    keep: bool = True,
    sleep: Callable[[float], None] = time.sleep,
) -> Run:
    """Walk the requirements (``only`` some of them, by id) and return the run, kept in the store."""
    unknown = [i for i in only or () if i not in IDS]
    if unknown:
        raise ValueError(f"Unknown requirement(s): {', '.join(unknown)}. Known: {', '.join(IDS)}.")
    ctx = Context(connection, options, sleep=sleep)
    owner = ctx.owner
    evidence: list[Evidence] = []
    try:
        with ctx.log.watching(*ctx.sessions()):
            for check in CHECKS:
                if only and check.id not in only:
                    continue
                if on_start:
                    on_start(check)
                found = run_check(ctx, check)
                evidence.append(found)
                log.info("sign-off %s: %s", check.id, found.status)
                if on_done:
                    on_done(check, found)
    finally:
        ctx.close()
    result = Run(
        id=uuid.uuid4().hex[:12], started_at=ctx.started_at, finished_at=ctx.clock(), sandbox=ctx.sandbox,
        writing=ctx.writing, target=target_name(ctx), version=ctx.settings.version,
        segment_name=options.segment_name, evidence=tuple(evidence),
    )
    if keep:
        Runs(ctx.store).save(result, owner=owner)
    if "targets" in ctx.memo:
        portfolio.CACHE.forget(owner)  # the Audiences page should show the new test segments
    return result
