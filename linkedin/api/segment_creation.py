"""Creating a DMP segment, exactly once (MA-105).

A create answered with a 5xx, or whose connection was lost, may still have made the
segment: LinkedIn did the work and only the answer is missing. Sending it again blindly
would leave two segments of one name, one of them never filled. So the client never
repeats a create by itself (``Client`` resends only reads and BATCH_CREATE); after such
a failure this module looks in the account for the segment the attempt would have made
(same name, type, account and sourcePlatform, the sourceSegmentId when one was given,
created within ``RECENT_SECONDS`` of the attempt) and uses it. Only when there is none
is the create sent once more.

"Created by this app" rests on the sourcePlatform LinkedIn gives each partner and on
LinkedIn's clock and ours agreeing within minutes. Nothing here reads members or counts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from linkedin.api.accounts import Account, require_manageable
from linkedin.api.client import Client, Response
from linkedin.api.errors import ConnectionFailed, MalformedResponse, NotConfigured, ServerError
from linkedin.api.segments import Segment, find_by_account
from linkedin.api.settings import SOURCE_PLATFORM_HELP

log = logging.getLogger(__name__)

SEGMENT_TYPES = {"users": "USER", "companies": "COMPANY"}
NAME_MAX = 255  # [P] LinkedIn does not document a limit; Campaign Manager cuts long names
RECENT_SECONDS = 600.0  # a segment this close to a failed attempt, with its name, is the one it made


@dataclass(frozen=True)
class Created:
    """A segment just created: its id and when (LinkedIn needs a few seconds before members)."""

    id: int
    name: str
    account_urn: str
    type: str
    created_at: float  # epoch seconds, our clock


def request_body(
    *, account_urn: str, name: str, kind: str, source_platform: str, description: str | None = None,
    source_segment_id: str | None = None,
) -> dict[str, Any]:
    """The body of ``POST /rest/dmpSegments`` (linkedin-api.md §5.1); ValueError on a bad kind or name.

    ``accessPolicy`` is left out: it was removed from create in 202406.
    """
    if kind not in SEGMENT_TYPES:
        raise ValueError(f"kind must be 'users' or 'companies', not {kind!r}")
    clean = " ".join(name.split())
    if not clean:
        raise ValueError("Give the segment a name.")
    if len(clean) > NAME_MAX:
        raise ValueError(f"The segment name has {len(clean)} characters; keep it under {NAME_MAX}.")
    body: dict[str, Any] = {
        "name": clean,
        "account": account_urn,
        "type": SEGMENT_TYPES[kind],
        "sourcePlatform": source_platform,
        "destinations": [{"destination": "LINKEDIN"}],
    }
    if description:
        body["description"] = description
    if source_segment_id:
        body["sourceSegmentId"] = source_segment_id
    return body


def made_by_attempt(
    candidates: Iterable[Segment], body: Mapping[str, Any], *, asked_at: float, window: float = RECENT_SECONDS
) -> Segment | None:
    """The segment a create of ``body`` sent at ``asked_at`` (epoch seconds) made, among the
    account's segments: same name, account, type and sourcePlatform (and sourceSegmentId
    when the body has one), created within ``window`` seconds of the attempt. The newest
    if several; None when there is none."""
    matches = [
        seg for seg in candidates
        if seg.name == body["name"] and seg.account_urn == body["account"] and seg.type == body["type"]
        and seg.source_platform == body["sourcePlatform"]
        and ("sourceSegmentId" not in body or seg.source_segment_id == body["sourceSegmentId"])
        and seg.created_ms is not None and abs(seg.created_ms / 1000 - asked_at) <= window
    ]
    return max(matches, key=lambda seg: (seg.created_ms or 0, seg.id), default=None)


def create(
    client: Client, *, account_urn: str | None = None, account: Account | None = None, name: str, kind: str,
    description: str | None = None, source_segment_id: str | None = None, clock: Callable[[], float] = time.time,
) -> Created:
    """Create a streaming segment of people (USER) or companies (COMPANY), exactly once.

    LinkedIn answers 201 with an empty body and the id in ``x-restli-id``. After a 5xx or
    a lost connection, the segment the attempt made is used if the account has it
    (``made_by_attempt``); otherwise the create is sent once more. The ``sourcePlatform`` is
    the one LinkedIn assigned this app (``Settings.source_platform``); without it nothing is
    sent (``NotConfigured``): there is no generic value to fall back on.

    Given the ``account`` (as the front doors have it), a closed account or a read-only role
    is refused with the reason (``NotManageable``) before any call.
    """
    if account is not None:
        account_urn = require_manageable(account).urn
    if not account_urn:
        raise ValueError("create needs the account (or its URN)")
    source_platform = client.settings.source_platform
    if not source_platform:
        raise NotConfigured(SOURCE_PLATFORM_HELP)
    body = request_body(account_urn=account_urn, name=name, kind=kind, description=description,
                        source_platform=source_platform, source_segment_id=source_segment_id)
    asked_at = clock()
    try:
        response = client.post("/rest/dmpSegments", json=body)
    except (ServerError, ConnectionFailed) as err:
        found, _ = find_by_account(client, account_urn, source_platform=source_platform)
        made = made_by_attempt(found, body, asked_at=asked_at)
        if made is not None:
            log.info("creating %r in %s failed (%s) after LinkedIn made segment %s: using it",
                     body["name"], account_urn, type(err).__name__, made.id)
            return Created(made.id, body["name"], account_urn, body["type"], clock())
        log.info("creating %r in %s failed (%s) and made nothing: sending it once more",
                 body["name"], account_urn, type(err).__name__)
        response = client.post("/rest/dmpSegments", json=body)
    return _created(response, body, clock())


def _created(response: Response, body: Mapping[str, Any], now: float) -> Created:
    raw_id = response.created_id
    if not raw_id or not raw_id.rsplit(":", 1)[-1].isdigit():
        raise MalformedResponse("LinkedIn created the segment but did not say its id")
    log.info("created segment %s in %s", raw_id, body["account"])
    return Created(int(raw_id.rsplit(":", 1)[-1]), body["name"], body["account"], body["type"], now)
