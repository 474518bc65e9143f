"""What the notebook API and the CLI hand back: small frozen reports that read well anywhere.

Each shows as a table in a notebook (``_repr_html_``), as lines in a terminal (``text()``),
as plain data for ``--json`` (``as_dict()``), and keeps its pandas DataFrames for further
work. None of them shows a cell the analyst uploaded: a notebook's outputs are saved to
disk and a terminal's go to logs, so raw emails and names stay in ``Check.issues`` and
``Check.rejected``, which only the analyst's own code reads.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from linkedin.api.connection import member_label
from linkedin.api.oauth import Heartbeat
from linkedin.sync.plans import Plan
from linkedin.sync.runs import Run
from linkedin.tables.prepared import Prepared

PREVIEW_ROWS = 10


def iso(epoch: float | None) -> str | None:
    """An epoch time as ISO 8601 in UTC (seconds), None stays None."""
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds") if epoch else None


def _table(frame: pd.DataFrame, *, limit: int | None = None) -> str:
    shown = frame if limit is None else frame.head(limit)
    out = shown.to_html(index=False, border=0, na_rep="", escape=True)
    if limit is not None and len(frame) > limit:
        out += f"<p><em>{len(frame) - limit:,} more row(s) in the DataFrame.</em></p>"
    return out


def _pairs(pairs: list[tuple[str, Any]]) -> str:
    rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in pairs)
    return f"<table>{rows}</table>"


def _list(items: tuple[str, ...] | list[str], title: str) -> str:
    if not items:
        return ""
    return f"<p><strong>{html.escape(title)}</strong></p><ul>" + "".join(
        f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _box(title: str, body: str) -> str:
    return f"<div><h4 style='margin:0.5em 0'>{html.escape(title)}</h4>{body}</div>"


@dataclass(frozen=True, eq=False)
class Check:
    """The data-quality report of one table before anything is sent (the app's report)."""

    prepared: Prepared = field(repr=False)

    @property
    def kind(self) -> str:
        return self.prepared.kind

    @property
    def quality(self):
        return self.prepared.quality

    @property
    def summary(self) -> dict:
        """Counts only, no cell values: safe to print and log (the CLI's ``quality`` JSON)."""
        return self.quality.summary()

    @property
    def frame(self) -> pd.DataFrame:
        """One row per mapped field: column, cells given, valid, fixed, invalid, main problems."""
        rows = [{"field": f.field, "label": f.label, "column": f.column, "given": f.given, "valid": f.valid,
                 "fixed": f.fixed, "invalid": f.invalid,
                 "problems": "; ".join(f"{p} ({n})" for p, n in f.problems)} for f in self.quality.fields]
        return pd.DataFrame(rows, columns=["field", "label", "column", "given", "valid", "fixed", "invalid", "problems"])

    @property
    def issues(self) -> pd.DataFrame:
        """One row per problem cell, values as given (raw emails included: keep it in memory)."""
        return self.quality.issues

    @property
    def rejected(self) -> pd.DataFrame:
        """Rows that cannot be sent, with the reason and the row as given (raw values: keep it in memory)."""
        return self.quality.rejected

    @property
    def duplicates(self) -> pd.DataFrame:
        return self.prepared.duplicates

    @property
    def advice(self) -> tuple[str, ...]:
        return self.quality.advice

    def _counts(self) -> list[tuple[str, Any]]:
        q = self.quality
        return [("source", q.source), ("kind", q.kind), ("rows read", f"{q.rows:,}"),
                ("can be matched", f"{q.matchable:,}"), ("rejected (cannot be sent)", f"{q.rejected_rows:,}"),
                ("duplicates (not sent again)", f"{q.duplicates:,}"), ("to send", f"{q.unique:,}")]

    def text(self) -> str:
        lines = [f"Quality of {self.quality.source} ({self.kind}):"]
        lines += [f"  {k}: {v}" for k, v in self._counts()[2:]]
        for f in self.quality.fields:
            problems = "; ".join(f"{p} ({n})" for p, n in f.problems)
            lines.append(f"  {f.field} <- '{f.column}': {f.valid:,}/{f.given:,} valid, {f.fixed:,} fixed, "
                         f"{f.invalid:,} invalid" + (f" [{problems}]" if problems else ""))
        lines += [f"  advice: {a}" for a in self.advice]
        return "\n".join(lines)

    def __repr__(self) -> str:
        q = self.quality
        return f"Check({q.kind}: {q.rows} rows, {q.unique} to send, {q.rejected_rows} rejected, {q.duplicates} duplicates)"

    def _repr_html_(self) -> str:
        body = _pairs(self._counts()) + _table(self.frame) + _list(self.advice, "Advice")
        if self.quality.rejected_rows:
            body += f"<p>{self.quality.rejected_rows:,} row(s) cannot be sent: see <code>.rejected</code>.</p>"
        return _box("Data quality", body)


@dataclass(frozen=True, eq=False)
class SyncPlan:
    """What a sync would add, remove and leave alone in one segment; nothing has been sent."""

    segment_id: int
    segment_name: str
    account: str
    kind: str
    mode: str
    plan: Plan = field(repr=False)
    check: Check = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """add, remove, unchanged, in_ledger (sent by this app before), after."""
        return self.plan.summary()

    @property
    def frame(self) -> pd.DataFrame:
        """One row per member: input ``row`` (empty for a removal not in the table), ``action``, hashed ``key``."""
        prepared = self.check.prepared
        row_of = dict(zip(prepared.keys.to_pylist(), prepared.rows.tolist()))
        rows = [(row_of.get(k), action, k) for action, keys in
                (("ADD", self.plan.add), ("REMOVE", self.plan.remove), ("unchanged", self.plan.unchanged))
                for k in keys]
        frame = pd.DataFrame(rows, columns=["row", "action", "key"])
        frame["row"] = frame["row"].astype("Int64")
        order = {"ADD": 0, "REMOVE": 1, "unchanged": 2}
        return (frame.assign(_o=frame["action"].map(order)).sort_values(["_o", "row", "key"], na_position="last")
                .drop(columns="_o").reset_index(drop=True))

    def preview(self, n: int = PREVIEW_ROWS) -> dict[str, list]:
        """The first ``n`` input rows to add and hashed keys to remove (no raw values)."""
        frame = self.frame
        adds = frame[frame["action"] == "ADD"]["row"].dropna().astype(int).tolist()[:n]
        removes = frame[frame["action"] == "REMOVE"]
        return {"add_rows": adds, "remove_rows": removes["row"].dropna().astype(int).tolist()[:n],
                "remove_keys": removes["key"].tolist()[:n]}

    def as_dict(self) -> dict[str, Any]:
        return {"segment": {"id": self.segment_id, "name": self.segment_name, "account": self.account,
                            "kind": self.kind},
                "mode": self.mode, **self.counts, "warnings": list(self.warnings), "preview": self.preview()}

    def text(self) -> str:
        c = self.counts
        lines = [f"Plan for segment {self.segment_id} “{self.segment_name}” ({self.mode}): "
                 f"add {c['add']:,}, remove {c['remove']:,}, unchanged {c['unchanged']:,}; "
                 f"the app will have sent {c['after']:,} member(s) to it."]
        p = self.preview()
        if p["add_rows"]:
            lines.append(f"  first rows to add: {', '.join(map(str, p['add_rows']))}")
        if p["remove_keys"]:
            lines.append(f"  first keys to remove: {', '.join(k[:16] + '…' for k in p['remove_keys'])}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        c = self.counts
        return f"SyncPlan({self.mode} into {self.segment_id}: add {c['add']}, remove {c['remove']}, unchanged {c['unchanged']})"

    def _repr_html_(self) -> str:
        c = self.counts
        pairs = [("segment", f"{self.segment_name} ({self.segment_id})"), ("mode", self.mode), ("add", f"{c['add']:,}"),
                 ("remove", f"{c['remove']:,}"), ("unchanged", f"{c['unchanged']:,}"),
                 ("sent by this app so far", f"{c['in_ledger']:,}"), ("after the sync", f"{c['after']:,}")]
        return _box("Sync plan (nothing sent)", _pairs(pairs) + _list(self.warnings, "Warnings")
                    + _table(self.frame, limit=PREVIEW_ROWS))


def run_dict(run: Run) -> dict[str, Any]:
    """An upload run as plain data (the CLI's ``uploads --json`` shape)."""
    return {"id": run.id, "segment_id": run.segment_id, "segment_name": run.segment_name, "account": run.account,
            "kind": run.kind, "mode": run.mode, "state": run.state, "total": run.total, "accepted": run.accepted,
            "rejected": run.rejected, "pending": run.pending, "needs_file": run.needs_file,
            "resumable": run.resumable, "created": iso(run.created_at), "updated": iso(run.updated_at),
            "message": run.message}


@dataclass(frozen=True, eq=False)
class SyncResult:
    """How a sync ended: the run (done or paused) and one result per input row."""

    run: Run
    frame: pd.DataFrame  # row, action, result, http_status, message
    plan: SyncPlan | None = field(default=None, repr=False)
    needs_consent: bool = False  # paused because only a person can sign in again
    # (reason, how many) of every rejection, removals of members not in the table included
    reasons: tuple[tuple[str, int], ...] = ()

    @property
    def run_id(self) -> str:
        return self.run.id

    @property
    def state(self) -> str:
        return self.run.state

    @property
    def paused(self) -> bool:
        return self.run.state != "done"

    @property
    def accepted(self) -> int:
        return self.run.accepted

    @property
    def rejected(self) -> int:
        return self.run.rejected

    @property
    def pending(self) -> int:
        return self.run.pending

    @property
    def message(self) -> str | None:
        return self.run.message

    @property
    def failures(self) -> pd.DataFrame:
        """Rows LinkedIn rejected, with its reason (pending rows are counted in ``run``, not listed)."""
        return self.frame[self.frame["result"] == "rejected by LinkedIn"].reset_index(drop=True)

    @property
    def ok(self) -> bool:
        """Done, and LinkedIn accepted every element it was sent."""
        return self.state == "done" and self.rejected == 0

    def as_dict(self) -> dict[str, Any]:
        counts = self.frame["result"].value_counts().to_dict()
        out = {"run": run_dict(self.run), "needs_consent": self.needs_consent,
               "results": {str(k): int(v) for k, v in counts.items()},
               "failures": [_plain(r) for r in self.failures.to_dict("records")],
               "rejections": [{"reason": m, "count": n} for m, n in self.reasons]}
        if self.plan is not None:
            out["plan"] = self.plan.as_dict()
        return out

    def text(self) -> str:
        r = self.run
        head = (f"Run {r.id} {r.state}: {r.accepted:,} accepted, {r.rejected:,} rejected by LinkedIn, "
                f"{r.pending:,} pending (segment {r.segment_id} “{r.segment_name}”, {r.mode}).")
        lines = [head]
        if r.message:
            lines.append(f"  {r.message}")
        lines += [f"  Rejected {n:,} × {reason}" for reason, n in self.reasons]
        if self.paused and r.resumable:
            extra = " --file FILE" if r.needs_file else ""
            lines.append(f"  Resume with: python -m linkedin uploads --resume {r.id}{extra}")
        fails = self.failures
        if len(fails):
            lines.append("  row  action  result  http  message")
            for rec in fails.head(50).to_dict("records"):
                lines.append(f"  {rec.get('row', rec.get('key'))}  {rec['action']}  {rec['result']}  {_plain(rec)['http_status'] or ''}  "
                             f"{rec['message']}")
            if len(fails) > 50:
                lines.append(f"  … {len(fails) - 50:,} more")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"SyncResult({self.run.id} {self.state}: {self.accepted} accepted, {self.rejected} rejected, {self.pending} pending)"

    def _repr_html_(self) -> str:
        r = self.run
        pairs = [("run", r.id), ("state", r.state), ("segment", f"{r.segment_name} ({r.segment_id})"), ("mode", r.mode),
                 ("accepted", f"{r.accepted:,}"), ("rejected by LinkedIn", f"{r.rejected:,}"), ("pending", f"{r.pending:,}")]
        if r.message:
            pairs.append(("message", r.message))
        counts = self.frame["result"].value_counts().rename_axis("result").reset_index(name="rows")
        body = _pairs(pairs) + _table(counts)
        if self.paused and r.resumable:
            args = f"'{r.id}', df" if r.needs_file else f"'{r.id}'"
            body += f"<p>Paused: <code>aud.resume({html.escape(args)})</code> sends the rest.</p>"
        if len(self.failures):
            body += "<p><strong>Rows to look at</strong></p>" + _table(self.failures, limit=PREVIEW_ROWS)
        return _box("Sync result", body)


def _plain(record: dict) -> dict:
    """A results row with pandas' missing values as None (for JSON)."""
    return {k: (None if pd.isna(v) else int(v) if k in ("row", "http_status") else v) for k, v in record.items()}


@dataclass(frozen=True)
class Health:
    """The connection's health: who, token expiries, scopes, and a live check (the ``status`` command)."""

    source: str  # store | LINKEDIN_ACCESS_TOKEN
    state: str  # connected | needs_consent | disconnected
    member_name: str | None = None
    member_urn: str | None = None
    access_expires_at: float | None = None
    refresh_expires_at: float | None = None
    scopes: tuple[str, ...] = ()
    missing_scopes: tuple[str, ...] = ()
    heartbeat: Heartbeat | None = None
    reason: str | None = None
    setup: tuple[str, ...] = ()  # what the settings lack for real LinkedIn (LINKEDIN_SOURCE_PLATFORM, ...)

    @property
    def ok(self) -> bool:
        return self.state == "connected" and (self.heartbeat is None or self.heartbeat.ok)

    def __repr__(self) -> str:
        who = f" as {self.member_name}" if self.member_name else ""
        return f"Health({self.state}{who}, token from {self.source}, {'ok' if self.ok else 'not ok'})"

    def as_dict(self) -> dict[str, Any]:
        beat = self.heartbeat
        return {"source": self.source, "state": self.state, "ok": self.ok,
                "member": {"urn": self.member_urn, "name": self.member_name},
                "access_expires_at": iso(self.access_expires_at), "refresh_expires_at": iso(self.refresh_expires_at),
                "scopes": list(self.scopes), "missing_scopes": list(self.missing_scopes),
                "heartbeat": None if beat is None else {"ok": beat.ok, "checked_at": iso(beat.checked_at),
                                                        "introspection": beat.introspection,
                                                        "api_call": beat.api_call, "message": beat.message},
                "reason": self.reason, "setup": list(self.setup)}

    def text(self) -> str:
        d = self.as_dict()
        lines = [f"Setup: {problem}" for problem in self.setup]
        lines.append(f"Connection: {self.state} as {member_label(self.member_name, self.member_urn)}"
                     f" (token from {self.source})")
        if self.reason:
            lines.append(f"  {self.reason}")
        if self.state != "connected" and self.source == "store":
            lines.append("  Sign in again: python -m linkedin login (or Audiences.connect() in a notebook)")
        lines.append(f"  access token expires: {d['access_expires_at'] or 'unknown'}")
        lines.append(f"  refresh token expires: {d['refresh_expires_at'] or 'no refresh token'}")
        lines.append(f"  scopes: {' '.join(self.scopes) or 'unknown'}")
        if self.missing_scopes:
            lines.append(f"  missing scopes: {' '.join(self.missing_scopes)}")
        if d["heartbeat"]:
            hb = d["heartbeat"]
            lines.append(f"  check: {'ok' if hb['ok'] else 'FAILED'}: API {hb['api_call']}, "
                         f"introspection {hb['introspection']}: {hb['message']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        d = self.as_dict()
        pairs = [("state", self.state), ("member", member_label(self.member_name, self.member_urn)),
                 ("token from", self.source), ("access token expires", d["access_expires_at"] or "unknown"),
                 ("refresh token expires", d["refresh_expires_at"] or "no refresh token"),
                 ("scopes", " ".join(self.scopes) or "unknown")]
        if d["heartbeat"]:
            pairs.append(("check", f"{'ok' if d['heartbeat']['ok'] else 'failed'}: {d['heartbeat']['message']}"))
        if self.reason:
            pairs.append(("why", self.reason))
        pairs += [("setup", problem) for problem in self.setup]
        return _box("LinkedIn connection", _pairs(pairs))
