"""The report an analyst reads before anything is sent: what was read, what is wrong, what will match.

``Quality`` holds, for one prepared table:

- ``rows``: rows read; ``matchable``: rows with at least one usable identifier;
  ``unique``: matchable rows after deduplication, i.e. what will be sent;
  ``exact_duplicates``: rows identical to an earlier row as given (every mapped cell);
  ``duplicates``: rows that name the same person or company as an earlier row once
  normalized (``" A@B.com"`` and ``"a@b.com"``): they are not sent again.
- ``fields``: per mapped field, cells given / valid / fixed / invalid and the problems
  by frequency (``FieldReport``).
- contacts: ``emails`` (raw, SHA-256, SHA-512; free-mail vs business among raw ones).
- companies: ``coverage`` of the rows to send by their strongest key (page URL or
  organization > domain > name only), which is how well LinkedIn can match them.
- ``advice``: sentences for the analyst (business emails match worse, name-only companies
  match worst, a column mixing raw and hashed emails, ...).
- ``issues``: one row per problem cell (row, column, value, problem, fix, fixed) and
  ``rejected``: one row per row that cannot be sent (row, reason, then the row as given),
  both pandas DataFrames for display and download.

``issues`` and ``rejected`` hold the raw values the analyst uploaded, emails included: they
live in memory for the analyst's own download only and must never be written to disk,
logged or sent anywhere by the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import identifiers
from linkedin.tables.columns import COMPANIES, LABELS, USERS, ColumnMap
from linkedin.tables.identifiers import Checked
from linkedin.tables.table import Table

MIN_AUDIENCE = 300  # LinkedIn serves a segment from 300 matched members (HELP a1489764)


@dataclass(frozen=True)
class FieldReport:
    """One mapped field: how many cells were given, usable, fixed or refused, and why."""

    field: str
    column: str
    given: int
    valid: int  # usable as sent, fixed ones included
    fixed: int
    invalid: int
    problems: tuple[tuple[str, int], ...]  # (problem, cells), most frequent first

    @property
    def label(self) -> str:
        return LABELS.get(self.field, self.field)


@dataclass(frozen=True)
class EmailMix:
    """What the email column held: raw addresses (free-mail or business) and hashes."""

    raw: int
    sha256: int
    sha512: int
    free_mail: int
    business: int

    @property
    def mixed(self) -> bool:
        """Raw addresses and hashes in one column: often hashes made without normalizing."""
        return self.raw > 0 and (self.sha256 + self.sha512) > 0

    @property
    def business_share(self) -> float:
        return self.business / self.raw if self.raw else 0.0


@dataclass(frozen=True)
class Coverage:
    """Companies to send by their strongest key; LinkedIn matches best on page URLs."""

    page: int  # LinkedIn page URL or organization id
    domain: int  # website or email domain, no page URL
    name_only: int

    @property
    def total(self) -> int:
        return self.page + self.domain + self.name_only


@dataclass(frozen=True, eq=False)
class Quality:
    """The data-quality (contacts) or key-coverage (companies) report; see the module docstring."""

    kind: str
    source: str
    rows: int
    matchable: int
    unique: int
    exact_duplicates: int
    duplicates: int
    fields: tuple[FieldReport, ...]
    advice: tuple[str, ...]
    issues: pd.DataFrame
    rejected: pd.DataFrame
    emails: EmailMix | None = None
    coverage: Coverage | None = None
    ignored_columns: tuple[str, ...] = ()

    @property
    def rejected_rows(self) -> int:
        return self.rows - self.matchable

    def field(self, name: str) -> FieldReport | None:
        return next((f for f in self.fields if f.field == name), None)

    def summary(self) -> dict:
        """The counts as plain data (for the CLI's JSON and for logs: no cell values)."""
        out = {
            "kind": self.kind, "rows": self.rows, "matchable": self.matchable, "unique": self.unique,
            "rejected": self.rejected_rows, "exact_duplicates": self.exact_duplicates,
            "duplicates": self.duplicates,
            "fields": {
                f.field: {"column": f.column, "given": f.given, "valid": f.valid, "fixed": f.fixed,
                          "invalid": f.invalid, "problems": dict(f.problems)}
                for f in self.fields
            },
            "advice": list(self.advice),
        }
        if self.emails:
            out["emails"] = {
                "raw": self.emails.raw, "sha256": self.emails.sha256, "sha512": self.emails.sha512,
                "free_mail": self.emails.free_mail, "business": self.emails.business,
            }
        if self.coverage:
            out["coverage"] = {
                "page": self.coverage.page, "domain": self.coverage.domain, "name_only": self.coverage.name_only,
            }
        return out


# -- the parts -----------------------------------------------------------------------------------
def field_reports(columns: ColumnMap, checks: Mapping[str, Checked]) -> tuple[FieldReport, ...]:
    """A FieldReport per mapped field, in field order."""
    out = []
    for field, column in columns.pairs:
        c = checks[field]
        problems: tuple[tuple[str, int], ...] = ()
        if c.problems.num_rows:
            counts = c.problems.group_by("problem").aggregate([("problem", "count")]).to_pylist()
            problems = tuple(sorted(((r["problem"], r["problem_count"]) for r in counts), key=lambda p: (-p[1], p[0])))
        out.append(FieldReport(field, column, c.given, c.valid, c.fixed, c.invalid, problems))
    return tuple(out)


def issues(table: Table, columns: ColumnMap, checks: Mapping[str, Checked]) -> pd.DataFrame:
    """One row per problem cell: row, column, field, value (as given), problem, fix, fixed."""
    parts = []
    for field, column in columns.pairs:
        p = checks[field].problems
        if not p.num_rows:
            continue
        n = p.num_rows
        parts.append(pa.table({
            "row": pc.take(table.rows, p["index"]),
            "column": pa.array([column] * n, pa.string()),
            "field": pa.array([field] * n, pa.string()),
            "value": p["given"], "problem": p["problem"], "fix": p["fix"], "fixed": p["fixed"],
        }))
    if not parts:
        return pd.DataFrame({
            "row": pd.Series([], dtype="int64"), **{c: pd.Series([], dtype="str") for c in ("column", "field", "value", "problem", "fix")},
            "fixed": pd.Series([], dtype="bool"),
        })
    frame = pa.concat_tables(parts).to_pandas()
    return frame.sort_values(["row"], kind="stable").reset_index(drop=True)


def rejected(table: Table, positions: np.ndarray, reasons: list[str]) -> pd.DataFrame:
    """The rows that cannot be sent, as given, with the reason first (for display and download)."""
    data = table.data.take(pa.array(positions, pa.int64())).to_pandas()
    front = pd.DataFrame({"row": table.rows.take(pa.array(positions, pa.int64())).to_numpy(), "reason": reasons})
    clash = [c for c in data.columns if c in ("row", "reason")]
    data = data.rename(columns={c: f"{c} (column)" for c in clash})
    return pd.concat([front, data.reset_index(drop=True)], axis=1)


def email_mix(emails: Checked) -> EmailMix:
    """Raw addresses vs hashes, and free-mail vs business among the raw ones."""
    kinds = emails.derived.to_numpy(zero_copy_only=False)
    raw = int((kinds == identifiers.RAW).sum())
    free = int(pc.sum(identifiers.free_mail_addresses(emails)).as_py() or 0) if raw else 0
    return EmailMix(
        raw=raw, sha256=int((kinds == identifiers.SHA256).sum()), sha512=int((kinds == identifiers.SHA512).sum()),
        free_mail=free, business=raw - free,
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def user_advice(mix: EmailMix | None, checks: Mapping[str, Checked], unique: int, *, idfa_sent: bool) -> tuple[str, ...]:
    """Sentences for the analyst about a contact list."""
    out = []
    if mix and mix.raw and mix.business > mix.free_mail:
        out.append(
            f"{_pct(mix.business, mix.raw)} of the email addresses are business addresses. Most LinkedIn members "
            "sign up with a personal address, so business emails match worse: add personal emails, or first "
            "name + last name + company, where you have them."
        )
    elif mix and mix.raw and mix.business:
        out.append(
            f"{_pct(mix.business, mix.raw)} of the email addresses are business addresses; they match worse on "
            "LinkedIn than personal ones."
        )
    if mix and mix.mixed:
        out.append(
            f"The email column mixes {mix.raw} plain addresses with {mix.sha256 + mix.sha512} hashes. Make sure the "
            "hashes were made from trimmed, lower-case addresses, or they will not match."
        )
    idfa = checks.get("appleidfa")
    if idfa is not None and idfa.valid and not idfa_sent:
        out.append(
            f"{idfa.valid} Apple IDFAs are not sent: LinkedIn's support of APPLE_IDFA is uncertain. "
            "Allow IDFAs to send them."
        )
    out.extend(_fixed_advice(checks))
    if unique < MIN_AUDIENCE:
        out.append(
            f"Only {unique} unique people: LinkedIn serves a segment once at least {MIN_AUDIENCE} of them are matched."
        )
    return tuple(out)


def company_advice(coverage: Coverage, checks: Mapping[str, Checked]) -> tuple[str, ...]:
    """Sentences for the analyst about a company list."""
    out = []
    if coverage.name_only:
        out.append(
            f"{coverage.name_only} of {coverage.total} companies ({_pct(coverage.name_only, coverage.total)}) have only "
            "a name, which matches worst. Add the website domain (better) or the LinkedIn page URL (best)."
        )
    if coverage.domain:
        out.append(
            f"{coverage.domain} companies are matched by domain; a LinkedIn page URL would match them best."
        )
    out.extend(_fixed_advice(checks))
    return tuple(out)


def _fixed_advice(checks: Mapping[str, Checked]) -> list[str]:
    out = []
    for field in ("country", "companycountry"):
        c = checks.get(field)
        if c is not None and c.fixed:
            example = c.problems.slice(pc.index(c.problems["fixed"], True).as_py(), 1).to_pylist()[0]
            out.append(
                f"{c.fixed} countries were written as names or other codes and were changed to ISO codes "
                f"(e.g. {example['given']!r} -> {example['fix']})."
            )
    return out


@dataclass(frozen=True)
class Evidence:
    """The per-cell part of the report: it needs the checks but not the deduplication, so
    preparation gathers it on another thread while the keys are hashed and deduplicated."""

    fields: tuple[FieldReport, ...]
    issues: pd.DataFrame
    rejected: pd.DataFrame
    emails: EmailMix | None


def gather(
    *, kind: str, table: Table, columns: ColumnMap, checks: Mapping[str, Checked],
    rejected_positions: np.ndarray, rejected_reasons: list[str],
) -> Evidence:
    """Field reports, the problem cells, the rejected rows and (contacts) the email mix."""
    mix = email_mix(checks["email"]) if kind == USERS and columns.get("email") else None
    return Evidence(
        fields=field_reports(columns, checks), issues=issues(table, columns, checks),
        rejected=rejected(table, rejected_positions, rejected_reasons), emails=mix,
    )


def build(
    *,
    kind: str,
    table: Table,
    columns: ColumnMap,
    checks: Mapping[str, Checked],
    matchable: int,
    unique: int,
    exact_duplicates: int,
    duplicates: int,
    evidence: Evidence,
    coverage: Coverage | None = None,
    idfa_sent: bool = False,
) -> Quality:
    """Assemble the report from what preparation found (``evidence`` from ``gather``)."""
    mix = evidence.emails
    if kind == USERS:
        advice = user_advice(mix, checks, unique, idfa_sent=idfa_sent)
    elif kind == COMPANIES and coverage is not None:
        advice = company_advice(coverage, checks)
    else:
        advice = ()
    for f in evidence.fields:  # a swapped column or a wrong mapping: emails where plain text goes
        emails = dict(f.problems).get(identifiers.EMAIL_IN_TEXT, 0)
        if emails and f.field != "email":
            advice = (*advice, f"Column '{f.column}' ({f.label}) holds email addresses in {emails:,} cell(s): they "
                               f"are never sent as plain text. If it is the email column, map it to "
                               f"{LABELS.get('email', 'email')}.")
    ignored = columns.unmapped(table)
    if ignored:
        advice = (*advice, f"Columns not used: {', '.join(ignored)}.")
    return Quality(
        kind=kind, source=table.source, rows=table.num_rows, matchable=matchable, unique=unique,
        exact_duplicates=exact_duplicates, duplicates=duplicates, fields=evidence.fields,
        advice=advice, issues=evidence.issues, rejected=evidence.rejected, emails=mix, coverage=coverage,
        ignored_columns=ignored,
    )
