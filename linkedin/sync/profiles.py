"""Run profiles: what one upload run's table held, as counts only (no cell, no hash).

The funnel of a run (rows -> valid -> unique -> sent) and the identifier mix behind a
segment's match rate need numbers the ledger and the run items do not keep: how many rows
the file had, how many were usable, how many emails were plain or pre-hashed, personal or
business, how many people had only a mobile ad id or only a name, how many companies had a
page URL, only a domain or only a name. ``Sync.start`` writes them here, once per run
(table ``run_profiles``), from the prepared table's quality report and the rows it sends.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, fields
from typing import Any, Iterable

from linkedin.store import Store
from linkedin.sync.plans import Plan
from linkedin.tables.prepared import Prepared

TABLE = "run_profiles"


@dataclass(frozen=True)
class Profile:
    """The counts of one run's table; zero where a kind has no such field."""

    kind: str  # users | companies
    rows: int  # rows in the file
    valid: int  # rows with at least one usable identifier
    unique: int  # after duplicates were dropped
    to_add: int = 0  # the plan: keys to add, to remove, already sent before
    to_remove: int = 0
    unchanged: int = 0
    emails_plain: int = 0  # users: emails given as addresses (hashed here) ...
    emails_hashed: int = 0  # ... or already hashed (SHA-256 / SHA-512)
    emails_personal: int = 0  # plain addresses at free-mail domains
    emails_business: int = 0
    with_email: int = 0  # unique people sent with an email
    with_ad_id: int = 0  # ... with a mobile ad id
    name_only: int = 0  # ... with neither: first + last name (+ company) only
    page: int = 0  # companies: a LinkedIn page URL or organization id
    domain: int = 0  # a website or email domain, no page
    company_name_only: int = 0  # a name and nothing else

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def profile_of(prepared: Prepared, plan: Plan | None = None) -> Profile:
    """The counts of a prepared table (and of the plan that will send it)."""
    q = prepared.quality
    planned = {}
    if plan is not None:
        planned = {"to_add": len(plan.add), "to_remove": len(plan.remove), "unchanged": len(plan.unchanged)}
    base = {"kind": prepared.kind, "rows": q.rows, "valid": q.matchable, "unique": q.unique, **planned}
    if prepared.kind == "companies":
        cov = q.coverage
        return Profile(**base, page=cov.page if cov else 0, domain=cov.domain if cov else 0,
                       company_name_only=cov.name_only if cov else 0)
    email = prepared.having(("SHA256_EMAIL", "SHA512_EMAIL"))
    ad_id = prepared.having(("GOOGLE_AID", "APPLE_IDFA"))
    mix = q.emails
    return Profile(
        **base,
        emails_plain=mix.raw if mix else 0, emails_hashed=(mix.sha256 + mix.sha512) if mix else 0,
        emails_personal=mix.free_mail if mix else 0, emails_business=mix.business if mix else 0,
        with_email=int(email.sum()), with_ad_id=int(ad_id.sum()), name_only=int((~(email | ad_id)).sum()),
    )


class Profiles:
    """The ``run_profiles`` table: one row of counts per run."""

    def __init__(self, store: Store) -> None:
        self.store = store
        columns: dict[str, Any] = {"run_id": str, "segment_id": str, "account": str, "created_at": float}
        columns.update({f.name: (str if f.name == "kind" else int) for f in fields(Profile)})
        with store.lock:
            store.db[TABLE].create(columns, pk="run_id", if_not_exists=True)
            store.db[TABLE].create_index(["segment_id", "created_at"], if_not_exists=True)

    def save(self, run_id: str, *, segment_id: str | int, account: str, profile: Profile,
             at: float | None = None) -> None:
        row = {"run_id": run_id, "segment_id": str(segment_id), "account": account,
               "created_at": time.time() if at is None else at, **profile.to_dict()}
        with self.store.lock:
            self.store.db[TABLE].upsert(row, pk="run_id")

    def get(self, run_id: str) -> Profile | None:
        with self.store.lock:
            rows = list(self.store.db[TABLE].rows_where("run_id = ?", [run_id]))
        return _profile(rows[0]) if rows else None

    def of_segments(self, segment_ids: Iterable[str | int]) -> dict[str, list[tuple[float, Profile]]]:
        """Each segment's profiles, oldest first, as (created_at, profile)."""
        wanted = [str(s) for s in segment_ids]
        out: dict[str, list[tuple[float, Profile]]] = {}
        with self.store.lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for row in self.store.db[TABLE].rows_where(f"segment_id in ({marks})", chunk, order_by="created_at"):
                    out.setdefault(row["segment_id"], []).append((row["created_at"], _profile(row)))
        return out


def _profile(row: dict[str, Any]) -> Profile:
    return Profile(**{f.name: row[f.name] if row[f.name] is not None else 0 for f in fields(Profile)})
