"""DMP segments: the model, its lifecycle on the sandbox clock, and LinkedIn's JSON shape.

Status is computed from timestamps whenever a segment is read (no background thread),
as LinkedIn's would evolve (linkedin-api.md §5.4):

    BUILDING  from creation until the first build ends (`ready_ms`; a change during the
              build pushes it to change + update time). Counts are ABSENT until then.
    UPDATING  from a change to its members until `busy_until_ms`; the counts shown stay
              the previous ones, the new ones appear when the update ends.
    READY     otherwise,
    ARCHIVED  once neither used in a campaign nor modified for `segment_archive_days`,
    EXPIRED   after `segment_expire_days` (then writes are refused: the data is gone).
    FAILED / ERROR are fixed states some seeded segments are in.

`inputCount` sits on the segment; `status`, `matchedCount`, `audienceSize` and
`destinationSegmentId` in `destinations[]` (§5.3). Times are epoch milliseconds.

The counts are a 7-day window (§5.4): `inputCount` and `matchedCount` are what the
uploads processed in the last `COUNTS_WINDOW_DAYS` changed (the counts published now less
those published when the window opened, never below zero: how LinkedIn counts a REMOVE
here is not documented), `audienceSize` is everything. A segment with nothing in the
window shows no counts, or zeros with `settings.no_recent_uploads_counts = "zeros"`; its
audience stays.

Ids: the seeded segments keep the ids their seed gives (the same demo world at every
start), and a segment created through the API takes an id no earlier start of the sandbox
can have handed out (``created_ids``): the sandbox keeps its world in memory, so a new
segment after a restart must never inherit an old one's id, and with it the app's ledger
and history of it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .accounts import account_urn
from .membership import CompanyMembership, Counts, UserMembership
from .settings import SandboxSettings

TYPES = ("USER", "COMPANY", "USER_LIST_UPLOAD", "COMPANY_LIST_UPLOAD")
STATUSES = ("BUILDING", "UPDATING", "READY", "ARCHIVED", "EXPIRED", "FAILED", "ERROR")
FIXED_STATUSES = ("FAILED", "ERROR")
DAY_MS = 86_400_000
COUNTS_WINDOW_DAYS = 7  # [D] matchedCount and inputCount cover the last 7 days of uploads (§5.4)
COUNTS_WINDOW_MS = COUNTS_WINDOW_DAYS * DAY_MS


@dataclass(frozen=True)
class Lifetimes:
    """The clock-driven parts of the settings, in milliseconds."""

    archive_ms: int
    expire_ms: int

    @classmethod
    def of(cls, settings: SandboxSettings) -> Lifetimes:
        return cls(settings.segment_archive_days * DAY_MS, settings.segment_expire_days * DAY_MS)


@dataclass(kw_only=True, eq=False)
class Segment:
    """One DMP segment and its LINKEDIN destination."""

    id: int
    account_id: int
    name: str
    type: str
    source_platform: str
    ad_segment_id: int  # the destination's urn:li:adSegment id, what targeting uses
    created_ms: int
    ready_ms: int  # when the first build ends
    source_segment_id: str | None = None
    description: str | None = None
    access_policy: str | None = None
    last_modified_ms: int = 0  # the segment itself: creation or a change to its members
    last_used_ms: int = 0  # last use in a campaign (seeded; moved to now while an ACTIVE campaign targets it)
    changed_ms: int = 0  # start of the latest update
    busy_until_ms: int = 0  # end of the latest update
    visible_ms: int = 0  # /users and /companies answer 404 before this
    fixed_status: str | None = None
    fixed_status_ms: int = 0
    published: Counts | None = None  # everything LinkedIn has processed (the audience shown now)
    published_log: list[tuple[int, Counts]] = field(default_factory=list)  # (when, counts) published, oldest first
    pending: Counts | None = None  # shown from pending_ms on
    pending_ms: int = 0
    baseline: Counts = field(default_factory=Counts)  # seeded members we hold no records of
    members: UserMembership | CompanyMembership | None = None

    def __post_init__(self) -> None:
        self.last_modified_ms = self.last_modified_ms or self.created_ms

    @property
    def urn(self) -> str:
        return f"urn:li:dmpSegment:{self.id}"

    @property
    def destination_urn(self) -> str:
        return f"urn:li:adSegment:{self.ad_segment_id}"

    # -- lifecycle ---------------------------------------------------------------------
    def settle(self, now_ms: int) -> None:
        """Publish the pending counts once their time has come."""
        if self.pending is not None and now_ms >= self.pending_ms:
            self.published, self.pending = self.pending, None
            self.published_log.append((self.pending_ms, self.published))

    def recent(self, now_ms: int) -> Counts | None:
        """The counts LinkedIn shows at `now_ms`: input and matched of the last 7 days'
        processed uploads, the audience of everything; None before the first build.

        Publications older than the window's start are dropped but the last one, which
        is the baseline the window is counted from (time only moves forward)."""
        if self.published is None:
            return None
        start = now_ms - COUNTS_WINDOW_MS
        log = self.published_log
        older = sum(1 for at, _ in log if at <= start)
        if older > 1:
            del log[:older - 1]
        before = log[0][1] if log and log[0][0] <= start else Counts()
        inputs = max(0, self.published.input - before.input)
        matched = min(inputs, max(0, self.published.matched - before.matched))
        return Counts(inputs, matched, self.published.audience)

    def activity_ms(self) -> int:
        return max(self.last_modified_ms, self.last_used_ms)

    def status(self, now_ms: int, life: Lifetimes) -> str:
        if self.fixed_status:
            return self.fixed_status
        idle = now_ms - self.activity_ms()
        if idle >= life.expire_ms:
            return "EXPIRED"
        if idle >= life.archive_ms:
            return "ARCHIVED"
        if now_ms < self.ready_ms:
            return "BUILDING"
        if now_ms < self.busy_until_ms:
            return "UPDATING"
        return "READY"

    def status_changed_ms(self, now_ms: int, life: Lifetimes) -> int:
        """When the destination last changed: the latest transition at or before now."""
        if self.fixed_status:
            return self.fixed_status_ms or self.created_ms
        activity = self.activity_ms()
        moments = [self.created_ms, self.ready_ms, activity + life.archive_ms, activity + life.expire_ms]
        if self.changed_ms >= self.ready_ms:
            moments += [self.changed_ms, self.busy_until_ms]
        return max(m for m in moments if m <= now_ms)

    def counts(self) -> Counts:
        """The counts as of now, published or not: seeded baseline plus stored records."""
        return self.baseline + (self.members.counts() if self.members is not None else Counts())

    def changed(self, now_ms: int, *, update_ms: int) -> None:
        """Members were added or removed at `now_ms`: start (or extend) processing."""
        self.settle(now_ms)
        self.last_modified_ms = now_ms
        done = now_ms + update_ms
        if now_ms < self.ready_ms:  # still on its first build: the build takes the change
            self.ready_ms = max(self.ready_ms, done)
            self.pending_ms = self.ready_ms
        else:
            if now_ms >= self.busy_until_ms:
                self.changed_ms = now_ms
            self.busy_until_ms = max(self.busy_until_ms, done)
            self.pending_ms = self.busy_until_ms
        self.pending = self.counts()
        self.settle(now_ms)

    # -- LinkedIn's shape --------------------------------------------------------------
    def to_api(self, now_ms: int, settings: SandboxSettings) -> dict[str, Any]:
        """The dmpSegments resource exactly as GET returns it (§5.3)."""
        self.settle(now_ms)
        life = Lifetimes.of(settings)
        counts = self.recent(now_ms)
        windowed = counts is not None and (counts.input > 0 or settings.no_recent_uploads_counts == "zeros")
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "account": account_urn(self.account_id),
            "type": self.type,
            "sourcePlatform": self.source_platform,
        }
        if self.source_segment_id is not None:
            out["sourceSegmentId"] = self.source_segment_id
        if self.description is not None:
            out["description"] = self.description
        if settings.include_access_policy:
            out["accessPolicy"] = self.access_policy or "PRIVATE"
        if windowed:
            out["inputCount"] = counts.input
        out["created"] = self.created_ms
        out["lastModified"] = self.last_modified_ms
        out["destinations"] = [self.destination_api(now_ms, life, counts, windowed=windowed)]
        return out

    def destination_api(self, now_ms: int, life: Lifetimes, counts: Counts | None, *,
                        windowed: bool = True) -> dict[str, Any]:
        """The LINKEDIN destination; `windowed` False leaves matchedCount out (nothing in the window)."""
        dest: dict[str, Any] = {
            "destination": "LINKEDIN",
            "destinationSegmentId": self.destination_urn,
            "status": self.status(now_ms, life),
        }
        if counts is not None:
            dest["audienceSize"] = counts.audience
            if windowed:
                dest["matchedCount"] = counts.matched
        dest["created"] = self.created_ms
        dest["lastModified"] = self.status_changed_ms(now_ms, life)
        return dest


CREATED_IDS_FROM = 100_000_000  # above every seeded id (9.4 to about 9.8 million)
CREATED_IDS_EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z
CREATED_IDS_PER_SECOND = 100  # how fast ids may be used up, on average, before a restart could meet one
# The last created id handed out in this process, whichever world: two worlds alive at once
# (tests, a mounted and a standalone sandbox) never share one either.
_last_created = 0
_last_created_lock = threading.Lock()


def created_id_floor(wall: float) -> int:
    """The lowest id a segment created at wall-clock time ``wall`` (epoch s) may take. It grows
    with real time, a hundred ids a second, so a sandbox started later than another starts above
    every id the other created (unless that one created more than a hundred segments a second on
    average over its whole life). The sandbox clock is not used: it can be moved back."""
    return CREATED_IDS_FROM + int(max(wall - CREATED_IDS_EPOCH, 0.0) * CREATED_IDS_PER_SECOND)


class SegmentStore:
    """All segments by id and by account (in id order), and the id sequences."""

    def __init__(self, *, wall: Callable[[], float] = time.time) -> None:
        self.by_id: dict[int, Segment] = {}
        self._by_account: dict[int, list[Segment]] = {}
        self._next_id = 0
        self._next_ad_segment_id = 0
        self._wall = wall

    def clear(self, *, first_id: int, first_ad_segment_id: int) -> None:
        self.by_id.clear()
        self._by_account.clear()
        self._next_id = first_id
        self._next_ad_segment_id = first_ad_segment_id

    def new_ids(self, *, gap: int = 1) -> tuple[int, int]:
        """The next segment id and destination (adSegment) id, ids only ever grow."""
        ids = (self._next_id, self._next_ad_segment_id)
        self._next_id += gap
        self._next_ad_segment_id += gap + 7
        return ids

    def created_ids(self) -> tuple[int, int]:
        """The segment id and destination (adSegment) id of a segment created through the API:
        never one an earlier start of the sandbox handed out (see ``created_id_floor``)."""
        global _last_created
        with _last_created_lock:
            segment_id = _last_created = max(_last_created + 1, created_id_floor(self._wall()))
        return segment_id, segment_id - 11_000_000  # adSegment ids run beside, as LinkedIn's do

    def add(self, segment: Segment) -> Segment:
        self.by_id[segment.id] = segment
        self._by_account.setdefault(segment.account_id, []).append(segment)
        return segment

    def get(self, segment_id: int) -> Segment | None:
        return self.by_id.get(segment_id)

    def of_account(self, account_id: int) -> list[Segment]:
        return self._by_account.get(account_id, [])

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.by_id.values())
