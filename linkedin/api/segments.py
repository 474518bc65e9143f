"""DMP segments (Matched Audiences): read per account, status, match rate, readiness (MA-102..MA-104).

Creating one is ``segment_creation``'s.

Where the numbers live (linkedin-api.md §5.3): ``inputCount`` on the segment;
``status``, ``matchedCount``, ``audienceSize`` and ``destinationSegmentId`` in
``destinations[]``. Counts are absent while LinkedIn builds, and cover only the last 7
days of uploads; what the numbers mean (the match rate's window, readiness as two facts)
is decided in ``segment_numbers``.

Which segments take uploaded members (``Segment.upload_refusal``): only the streaming types
(USER, COMPANY) this app created (its sourcePlatform). A list-upload type takes a CSV in
Campaign Manager, a predictive audience is LinkedIn's own, and another partner's segment is
filled by that partner (docs/linkedin-contract.md records the choice and its source).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from linkedin.api import restli
from linkedin.api.client import Client
from linkedin.api.errors import MalformedResponse
from linkedin.api.segment_numbers import Counts, Readiness, readiness

STREAMING_TYPES = ("USER", "COMPANY")  # the types /users and /companies take members into
PREDICTIVE = "LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES"  # LinkedIn's predictive audiences' sourcePlatform
STATUSES = ("BUILDING", "UPDATING", "READY", "ARCHIVED", "EXPIRED", "FAILED", "ERROR")
TYPE_LABELS = {
    "USER": "users",
    "COMPANY": "companies",
    "USER_LIST_UPLOAD": "users (list upload)",
    "COMPANY_LIST_UPLOAD": "companies (list upload)",
}


def _int(value: Any) -> int | None:
    """A count as LinkedIn sends it (a JSON integer); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Destination:
    """Where a segment is delivered (only ``LINKEDIN``), with the status and counts."""

    destination: str
    status: str | None
    segment_urn: str | None  # destinationSegmentId: what campaign targeting uses
    matched_count: int | None
    audience_size: int | None
    created_ms: int | None
    last_modified_ms: int | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> "Destination":
        return cls(
            destination=str(data.get("destination") or "UNKNOWN"),
            status=_text(data.get("status")),
            segment_urn=_text(data.get("destinationSegmentId")),
            matched_count=_int(data.get("matchedCount")),
            audience_size=_int(data.get("audienceSize")),
            created_ms=_int(data.get("created")),
            last_modified_ms=_int(data.get("lastModified")),
        )


@dataclass(frozen=True)
class Segment(Counts):
    """One DMP segment as ``GET /rest/dmpSegments`` returns it, with the numbers pulled out."""

    id: int
    name: str
    account_urn: str
    type: str | None
    source_platform: str | None
    input_count: int | None
    created_ms: int | None
    last_modified_ms: int | None
    destinations: tuple[Destination, ...] = ()
    source_segment_id: str | None = None
    description: str | None = None
    notes: tuple[str, ...] = ()  # fields LinkedIn sent in an unexpected shape
    # Created by this app: its sourcePlatform is the one LinkedIn assigned us (Settings.source_platform).
    ours: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any], *, account_urn: str | None = None,
                 our_platform: str | None = None) -> "Segment":
        """Parse one element; MalformedResponse only when it has no usable id. ``our_platform``
        is this app's sourcePlatform: a segment with it is ``ours``."""
        if not isinstance(data, Mapping):
            raise MalformedResponse("a segment LinkedIn sent is not an object")
        raw_id = data.get("id")
        seg_id = _int(raw_id)
        if seg_id is None and isinstance(raw_id, str) and raw_id.rsplit(":", 1)[-1].isdigit():
            seg_id = int(raw_id.rsplit(":", 1)[-1])
        if seg_id is None:
            raise MalformedResponse(f"a segment LinkedIn sent has no numeric id ({raw_id!r})")
        notes: list[str] = []
        for key in ("inputCount", "created", "lastModified"):
            if data.get(key) is not None and _int(data.get(key)) is None:
                notes.append(f"{key} is {data.get(key)!r}, not a number: ignored")
        raw_dests = data.get("destinations")
        destinations: list[Destination] = []
        if isinstance(raw_dests, list):
            for item in raw_dests:
                if isinstance(item, Mapping):
                    dest = Destination.from_api(item)
                    destinations.append(dest)
                    for key in ("matchedCount", "audienceSize"):
                        if item.get(key) is not None and _int(item.get(key)) is None:
                            notes.append(f"destinations[].{key} is {item.get(key)!r}, not a number: ignored")
        elif raw_dests is not None:
            notes.append("destinations is not a list: status and counts unknown")
        if not destinations:
            notes.append("LinkedIn sent no destination, so there is no status or audience size")
        name = _text(data.get("name"))
        if name is None:
            notes.append("the segment has no name")
        return cls(
            id=seg_id,
            name=name or f"Segment {seg_id}",
            account_urn=_text(data.get("account")) or account_urn or "",
            type=_text(data.get("type")),
            source_platform=_text(data.get("sourcePlatform")),
            input_count=_int(data.get("inputCount")),
            created_ms=_int(data.get("created")),
            last_modified_ms=_int(data.get("lastModified")),
            destinations=tuple(destinations),
            source_segment_id=_text(data.get("sourceSegmentId")),
            description=_text(data.get("description")),
            notes=tuple(notes),
            ours=bool(our_platform) and _text(data.get("sourcePlatform")) == our_platform,
            raw=dict(data),
        )

    # where the numbers are ---------------------------------------------------------

    @property
    def destination(self) -> Destination | None:
        """The LINKEDIN destination (the only one LinkedIn has), else the first one."""
        for dest in self.destinations:
            if dest.destination == "LINKEDIN":
                return dest
        return self.destinations[0] if self.destinations else None

    @property
    def status(self) -> str | None:
        return self.destination.status if self.destination else None

    @property
    def matched_count(self) -> int | None:
        return self.destination.matched_count if self.destination else None

    @property
    def audience_size(self) -> int | None:
        return self.destination.audience_size if self.destination else None

    @property
    def destination_segment_urn(self) -> str | None:
        return self.destination.segment_urn if self.destination else None

    @property
    def activity_ms(self) -> int | None:
        """The last change LinkedIn reports on the segment itself (creation if none).

        LinkedIn also counts use in a campaign as activity but never reports it, so this is
        the latest change the app can see, not necessarily the latest activity.
        """
        return self.last_modified_ms or self.created_ms

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type or "", self.type or "unknown")

    @property
    def readiness(self) -> Readiness:
        return readiness(self.status, self.audience_size)

    @property
    def upload_refusal(self) -> str | None:
        """Why this app cannot upload members into the segment, in a few words; None when it can."""
        if self.type not in STREAMING_TYPES:
            if (self.type or "").endswith("LIST_UPLOAD"):
                return "a list-upload segment: it takes a CSV file in Campaign Manager"
            return f"of type {self.type or 'unknown'}, which takes no uploaded members"
        if self.source_platform == PREDICTIVE:
            return "a LinkedIn predictive audience: LinkedIn chooses its members"
        if not self.ours:
            return f"made by another tool (sourcePlatform {self.source_platform or 'none'}), which fills it"
        return None


def parse(elements: Iterable[Any], *, account_urn: str,
          our_platform: str | None = None) -> tuple[list[Segment], list[str]]:
    """Segments from a finder's elements; an unreadable element becomes a sentence, not a crash."""
    found: list[Segment] = []
    problems: list[str] = []
    for index, element in enumerate(elements):
        try:
            found.append(Segment.from_api(element, account_urn=account_urn, our_platform=our_platform))
        except MalformedResponse as err:
            problems.append(f"Skipped segment #{index + 1} of {account_urn}: {err.message}.")
    return found, problems


FINDER_PAGE = 1000  # count's maximum on LinkedIn's start/count finders (linkedin-api.md §4)
MAX_FINDER_PAGES = 100  # 100,000 segments in one account: far past any real one; ends a runaway loop


def find_by_account(
    client: Client, account_urn: str, *, source_platform: str | None = None, page_size: int = FINDER_PAGE
) -> tuple[list[Segment], list[str]]:
    """Every segment of one ad account, in pages of up to 1,000 followed to ``paging.total``.

    LinkedIn documents that this finder returns everything when ``start`` and ``count``
    are both left out (linkedin-api.md §5.2), but its other start/count finders refuse
    large results without them: the client never depends on the exception, and an
    account of up to 1,000 segments still costs one call. Omitting ``sourcePlatform``
    includes Campaign Manager's and other tools' segments.
    """
    params: dict[str, Any] = {"q": "account", "account": account_urn}
    if source_platform:
        params["sourcePlatform"] = source_platform
    elements: list[Any] = []
    total: int | None = None
    for _ in range(MAX_FINDER_PAGES):
        data = client.get("/rest/dmpSegments", params={**params, "start": len(elements), "count": page_size}).data
        if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
            raise MalformedResponse(f"LinkedIn's list of segments for {account_urn} has no elements")
        page = data["elements"]
        elements.extend(page)
        paging = data.get("paging") if isinstance(data.get("paging"), dict) else {}
        total = paging.get("total") if isinstance(paging.get("total"), int) else None
        if len(page) < page_size or (total is not None and len(elements) >= total):
            break
    found, problems = parse(elements, account_urn=account_urn, our_platform=client.settings.source_platform)
    if total is not None and total > len(elements):
        problems.append(
            f"LinkedIn reported {total} segments for {account_urn} but sent {len(elements)}: "
            "the list may be incomplete."
        )
    return found, problems


def get(client: Client, segment_id: int | str) -> Segment:
    """One segment by id, fresh from LinkedIn (NotFound when it was deleted)."""
    data = client.get(f"/rest/dmpSegments/{restli.encode(str(segment_id))}").data
    if not isinstance(data, dict):
        raise MalformedResponse(f"LinkedIn's answer for segment {segment_id} is not an object")
    return Segment.from_api(data, our_platform=client.settings.source_platform)


def detail_fields(segment: Segment) -> dict[str, Any]:
    """Every field of the segment for the detail view, flattened, LinkedIn's names kept."""
    out: dict[str, Any] = {
        "id": segment.id,
        "name": segment.name,
        "account": segment.account_urn,
        "type": segment.type,
        "sourcePlatform": segment.source_platform,
        "sourceSegmentId": segment.source_segment_id,
        "description": segment.description,
        "inputCount": segment.input_count,
        "created": segment.created_ms,
        "lastModified": segment.last_modified_ms,
    }
    for i, dest in enumerate(segment.destinations):
        prefix = "destinations[]" if len(segment.destinations) == 1 else f"destinations[{i}]"
        out.update({
            f"{prefix}.destination": dest.destination,
            f"{prefix}.destinationSegmentId": dest.segment_urn,
            f"{prefix}.status": dest.status,
            f"{prefix}.matchedCount": dest.matched_count,
            f"{prefix}.audienceSize": dest.audience_size,
            f"{prefix}.created": dest.created_ms,
            f"{prefix}.lastModified": dest.last_modified_ms,
        })
    known = {"id", "name", "account", "type", "sourcePlatform", "sourceSegmentId", "description", "inputCount",
             "created", "lastModified", "destinations"}
    for key, value in segment.raw.items():
        if key not in known:
            out[key] = value  # fields the app does not interpret (accessPolicy, ...), shown as sent
    return out
