"""What a sign-off check leaves behind: the calls it made, what came back, pass or fail.

``Evidence`` is one requirement's result; ``Run`` is a whole walk through MA-001..MA-107.
Both are plain data that round-trip through JSON (the store keeps the last runs, the
reports render them). By construction they hold no token: a ``Call`` keeps the method, the
path with its query (secrets in it redacted), the HTTP status, LinkedIn's request id and
error code, and for batch calls only the names of the fields sent, never their values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

PASS, FAIL, SKIPPED = "pass", "fail", "skipped"
STATUSES = (PASS, FAIL, SKIPPED)


@dataclass(frozen=True)
class Call:
    """One HTTP exchange as the evidence shows it."""

    method: str
    path: str  # path and query, relative to LinkedIn's (or the sandbox's) base URL
    status: int | None  # None when no answer came (connection failed)
    request_id: str | None = None
    error: str | None = None  # LinkedIn's serviceErrorCode / code, or OAuth's ``error``
    service_error_code: int | None = None
    fields: tuple[str, ...] = ()  # batch calls: the element fields sent (names only)
    actions: tuple[tuple[str, int], ...] = ()  # batch calls: (ADD|REMOVE, how many elements)
    at: float = 0.0
    ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fields"] = list(self.fields)
        data["actions"] = [list(a) for a in self.actions]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Call":
        return cls(**{
            **data,
            "fields": tuple(data.get("fields") or ()),
            "actions": tuple((str(a), int(n)) for a, n in data.get("actions") or ()),
        })

    @property
    def note(self) -> str:
        """For batch calls: ``ADD 3; fields: company, country, firstName, ...``; else empty."""
        parts = []
        if self.actions:
            parts.append(", ".join(f"{a} {n}" for a, n in self.actions))
        if self.fields:
            parts.append("fields: " + ", ".join(self.fields))
        return "; ".join(parts)

    @property
    def line(self) -> str:
        """``POST /rest/dmpSegments → 201`` with the request id and error when there are some."""
        text = f"{self.method} {self.path} → {self.status if self.status is not None else 'no answer'}"
        if self.error:
            text += f" ({self.error})"
        return text


@dataclass(frozen=True)
class Evidence:
    """The result of one requirement's check."""

    id: str  # MA-001 ...
    title: str
    status: str  # pass | fail | skipped
    started_at: float
    finished_at: float
    calls: tuple[Call, ...] = ()
    summary: tuple[tuple[str, str], ...] = ()  # (what, value): counts and statuses, no personal data
    todo: str | None = None  # what to do, on a failure
    reason: str | None = None  # why it was skipped

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")

    @property
    def seconds(self) -> float:
        return max(self.finished_at - self.started_at, 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "status": self.status,
            "started_at": self.started_at, "finished_at": self.finished_at,
            "calls": [c.to_dict() for c in self.calls],
            "summary": [list(pair) for pair in self.summary],
            "todo": self.todo, "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Evidence":
        return cls(
            id=data["id"], title=data["title"], status=data["status"],
            started_at=float(data["started_at"]), finished_at=float(data["finished_at"]),
            calls=tuple(Call.from_dict(c) for c in data.get("calls") or ()),
            summary=tuple((str(k), str(v)) for k, v in data.get("summary") or ()),
            todo=data.get("todo"), reason=data.get("reason"),
        )


@dataclass(frozen=True)
class Run:
    """One walk through the requirements, against one LinkedIn (or the sandbox)."""

    id: str
    started_at: float
    finished_at: float
    sandbox: bool
    writing: bool  # were writing checks allowed (always on the sandbox)
    target: str  # where the API was: "LinkedIn sandbox" or "api.linkedin.com"
    version: str  # the LinkedIn-Version sent
    segment_name: str  # the test segments' name prefix
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def count(self, status: str) -> int:
        return sum(1 for e in self.evidence if e.status == status)

    @property
    def passed(self) -> int:
        return self.count(PASS)

    @property
    def failed(self) -> int:
        return self.count(FAIL)

    @property
    def skipped(self) -> int:
        return self.count(SKIPPED)

    @property
    def verdict(self) -> str:
        """One line for the top of a report."""
        if self.failed:
            return f"{self.failed} requirement(s) failed: fix them before the sign-off demo."
        if self.skipped:
            return f"No failure; {self.skipped} requirement(s) skipped (see why)."
        return "Every requirement passed."

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "started_at": self.started_at, "finished_at": self.finished_at,
            "sandbox": self.sandbox, "writing": self.writing, "target": self.target, "version": self.version,
            "segment_name": self.segment_name, "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Run":
        return cls(
            id=data["id"], started_at=float(data["started_at"]), finished_at=float(data["finished_at"]),
            sandbox=bool(data["sandbox"]), writing=bool(data["writing"]), target=str(data["target"]),
            version=str(data["version"]), segment_name=str(data.get("segment_name") or ""),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence") or ()),
        )


Summary = list[tuple[str, object]]


@dataclass(frozen=True)
class Outcome:
    """What a check function returns; the runner adds the id, the times and the calls."""

    status: str
    summary: tuple[tuple[str, str], ...] = ()
    todo: str | None = None
    reason: str | None = None


def _pairs(summary: Summary | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (summary or ()))


def passed(summary: Summary | None = None) -> Outcome:
    return Outcome(PASS, _pairs(summary))


def failed(summary: Summary | None, todo: str) -> Outcome:
    """A failure always says what to do about it."""
    return Outcome(FAIL, _pairs(summary), todo=todo)


def skipped(reason: str, summary: Summary | None = None) -> Outcome:
    """Not run, and why; ``summary`` may still show what the app knows (e.g. stored expiry times)."""
    return Outcome(SKIPPED, _pairs(summary), reason=reason)
