"""From an analyst's table to LinkedIn batch elements, with no network at all.

``prepare(table, kind)`` reads nothing but the table: it maps columns (``columns.guess_columns``
unless a ``mapping`` is given), normalizes and validates every field (``identifiers``), works
out one identity per row, drops rows that repeat an earlier identity, hashes what must be
hashed, and reports (``quality``). What it returns, ``Prepared`` (in ``prepared``), is what
the sync sends:

- ``Prepared.data``: one row per element to send, in input order: ``row`` (the input row
  number), ``key`` (the ledger key, below), then one column per element field, named as
  LinkedIn names it, null where absent. Contacts: ``SHA256_EMAIL``, ``SHA512_EMAIL``,
  ``GOOGLE_AID``, ``APPLE_IDFA`` (the idTypes), ``firstName``, ``lastName``, ``title``,
  ``company``, ``country``. Companies: ``companyName``, ``companyWebsiteDomain``,
  ``companyEmailDomain``, ``organizationUrn``, ``companyPageUrl``, ``stockSymbol``,
  ``industries``, ``city``, ``state``, ``country``, ``postalCode``, and ``coverage`` (page,
  domain or name: the strongest key, not sent). ``Prepared.frame`` is the same as pandas.
- ``Prepared.duplicates``: (row, kept_row) for every row not sent because it repeats an
  earlier one; ``fan_out`` copies per-row results to them.
- ``Prepared.elements(action, rows)`` and ``Prepared.batches(action, size)``: elements in
  LinkedIn's exact shape (§6, §7), absent fields omitted. ``export_template`` (in
  ``templates``) writes the rows back as LinkedIn's own CSV templates.

The ledger key is the SHA-256 hex of the row's canonical identity, its strongest identifier:

- contacts: the normalized email, so for every row with an email the key *is* the
  SHA256_EMAIL value sent (a pre-hashed SHA-256 email is its own key) and a removal can be
  built from the ledger alone; else ``SHA512_EMAIL:<hex>``, ``GOOGLE_AID:<32 hex>``,
  ``APPLE_IDFA:<UUID>`` (when IDFAs are allowed) or ``NAME:<first>\\t<last>\\t<company>``
  (lower-cased), in that order.
- companies: ``ORGANIZATION:<id>`` (from an organization id or a numeric page URL), else
  ``PAGE:<slug>``, else ``DOMAIN:<website domain>`` or, without one, ``DOMAIN:<email
  domain>`` (the same company either way), else ``NAME:<name, lower-cased>\\t<country>``.

Two rows with the same key are the same person or company: the first is sent, the others
are duplicates (a raw email and its own SHA-256 in one column included). Deduplication runs
on the keys, right after hashing: see ``identity.dedupe`` for why that beats deduplicating first.

Speed: every step is a pyarrow kernel over whole columns (company URL columns: spans cut
with numpy, ``urls``), the columns checked two at a time, longest first (``_checks``);
the keys are hashed by DuckDB in one query over every row (``digests``, all
cores, the GIL released); the report's evidence is gathered on a second thread while the keys
are deduplicated (``_dedupe_beside``). Only the element dicts (``elements``) are built per
element in Python, one batch at a time as ``batches`` is consumed. ``bench/prepare.py``
measures both against a bare hashlib loop.

Privacy: raw emails exist only in the caller's ``Table`` and in ``quality.issues`` /
``quality.rejected`` (for the analyst's own download); ``Prepared`` keeps hashes, ad ids and
the plain fields LinkedIn asks for, nothing else.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import adids, identifiers as ids, quality as quality_mod, rejections
from linkedin.tables.columns import COMPANIES, KINDS, USERS, ColumnMap, guess_columns, other_kind_template
from linkedin.tables.identifiers import Checked
from linkedin.tables.identity import Level, dedupe, hash_keys, identify, identities_of, prefixed, prefixed_level, valid
from linkedin.tables.prepared import Prepared
from linkedin.tables.quality import Coverage
from linkedin.tables.reader import read
from linkedin.tables.table import Table, TableError

_WORKERS = max(1, min(4, os.cpu_count() or 1))  # columns checked at once
# The columns whose checks cost the most (measured, a million rows: 40-140 ms each against ~10 ms
# for a plain text column): started first, so that the short ones fill the gaps at the end.
_SLOW = frozenset({"email", "companywebsite", "linkedincompanypageurl", "companyemaildomain", "organization",
                   "stocksymbol", "companycountry", "country", "googleaid"})


# -- preparing ---------------------------------------------------------------------------------
def prepare(
    table: Any,
    kind: str = USERS,
    *,
    mapping: ColumnMap | Mapping[str, str | None] | None = None,
    allow_idfa: bool = False,
    apply_fixes: bool = True,
    also_sha512: bool = False,
) -> Prepared:
    """Prepare a table (a ``Table``, bytes, a path, a file object or a DataFrame) for ``kind``.

    ``mapping``: ``{field: column}`` or a ``ColumnMap`` (default: ``guess_columns``).
    ``allow_idfa``: send APPLE_IDFA ids (LinkedIn's support is uncertain).
    ``apply_fixes``: turn country names and alpha-3 codes into alpha-2 (else only suggest).
    ``also_sha512``: send SHA512_EMAIL besides SHA256_EMAIL for plain addresses.
    Raises ``TableError`` when the table cannot be read or nothing in it can match."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    table = read(table)
    if mapping is None and (wrong := other_kind_template(table, kind)):
        raise TableError(wrong)
    columns = guess_columns(table, kind) if mapping is None else ColumnMap.of(kind, mapping)
    columns.validate(table, allow_idfa=allow_idfa)
    if kind == USERS:
        prepared = _prepare_users(table, columns, allow_idfa=allow_idfa, apply_fixes=apply_fixes, also_sha512=also_sha512)
    else:
        prepared = _prepare_companies(table, columns, apply_fixes=apply_fixes)
    if len(prepared) == 0:
        raise NothingToSend(prepared.quality)
    return prepared


class NothingToSend(TableError):
    """Not one row of the table can be sent: a refusal, never an empty upload. ``quality`` is
    the report, so a front door can still show the rejected rows and why."""

    def __init__(self, quality: quality_mod.Quality) -> None:
        self.quality = quality
        super().__init__(nothing_to_send(quality))


def nothing_to_send(quality: quality_mod.Quality) -> str:
    """Why nothing can be sent, in one sentence: every row blank, else the commonest reasons."""
    reasons = quality.rejected["reason"].value_counts() if len(quality.rejected) else None
    n = quality.rows
    if reasons is not None and list(reasons.index) == ["empty row"]:
        return f"nothing in {quality.source} can be sent: all {n:,} rows are blank in the mapped columns"
    top = "; ".join(f"{reason} ({count:,})" for reason, count in reasons.head(3).items()) if reasons is not None else ""
    return (f"nothing in {quality.source} can be sent: none of its {n:,} rows has a usable identifier"
            + (f" (commonest reasons: {top})" if top else ""))


def identities(
    table: Any, kind: str = USERS, *, mapping: ColumnMap | Mapping[str, str | None] | None = None,
    allow_idfa: bool = False, apply_fixes: bool = True,
) -> pa.Array:
    """The canonical identity of every row (null where a row cannot be matched): the ledger
    key is its SHA-256, except for a pre-hashed SHA-256 email, which is its own identity and key."""
    table = read(table)
    columns = guess_columns(table, kind) if mapping is None else ColumnMap.of(kind, mapping)
    columns.validate(table, allow_idfa=allow_idfa)
    if kind == USERS:
        checks = _user_checks(table, columns, apply_fixes)
        levels = _user_levels(checks, allow_idfa)
    else:
        checks = _company_checks(table, columns, apply_fixes)
        levels = _company_levels(checks, _company_keys(checks, columns))
    return identities_of(identify(levels, table.num_rows), table.num_rows).column()


def _checks(table: Table, columns: ColumnMap, checkers: dict[str, Callable[[pa.Array], Checked]]) -> dict[str, Checked]:
    """Every mapped column checked, several at a time: a check is a run of pyarrow kernels,
    which release the GIL, so on two cores the columns take about half the time (measured:
    contacts 0.42 s -> 0.21 s, companies 1.47 s -> 0.77 s a million rows)."""
    mapped = {field: columns.get(field) for field in checkers}
    slow_first = sorted(mapped, key=lambda field: field not in _SLOW)  # the longest tasks start first
    with ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="check") as pool:
        running = {field: pool.submit(_check, checkers[field], table, mapped[field]) for field in slow_first
                   if mapped[field]}
        return {field: running[field].result() if field in running else Checked.absent(table.num_rows, field)
                for field in checkers}


def _check(checker: Callable[[pa.Array], Checked], table: Table, name: str) -> Checked:
    return checker(table.column(name))  # the column's chunks are combined on the checking thread


def _dedupe_beside(table: Table, columns: ColumnMap, found: Any,
                   gather: Callable[[], quality_mod.Evidence]) -> tuple[Any, quality_mod.Evidence]:
    """Hash the keys, then deduplicate them on this thread while ``gather`` collects the report's
    per-cell evidence on another. The hashing (DuckDB) uses every core, so it runs alone; the
    deduplication after it (numpy, pandas) uses one, and the report's pyarrow kernels release
    the GIL, so the two share the two cores (contacts, a million rows: ~0.14 s each)."""
    hexes = hash_keys(found, table.num_rows)  # DuckDB, on every core: nothing to run beside it
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report") as pool:
        evidence = pool.submit(gather)
        deduped = dedupe(table, columns, found, hexes)
        return deduped, evidence.result()


# -- contacts --------------------------------------------------------------------------------------
def _user_checks(table: Table, columns: ColumnMap, apply_fixes: bool) -> dict[str, Checked]:
    return _checks(table, columns, {
        "email": ids.check_emails,
        "googleaid": adids.check_google_aids,
        "appleidfa": adids.check_apple_idfas,
        "firstname": ids.CHECKERS["first_name"],
        "lastname": ids.CHECKERS["last_name"],
        "jobtitle": ids.CHECKERS["title"],
        "employeecompany": ids.CHECKERS["company"],
        "country": lambda v: ids.check_countries(v, apply_fixes=apply_fixes),
    })


def _email_kinds(checks: Mapping[str, Checked], n: int) -> np.ndarray:
    derived = checks["email"].derived
    return derived.to_numpy(zero_copy_only=False) if derived is not None else np.zeros(n, np.int8)


def _user_levels(checks: Mapping[str, Checked], allow_idfa: bool) -> list[Level]:
    email = checks["email"].value
    kinds = _email_kinds(checks, len(email))
    first, last, company = (checks[f].value for f in ("firstname", "lastname", "employeecompany"))

    def name_identity(where: np.ndarray) -> pa.Array:
        at = pa.array(where)
        joined = pc.binary_join_element_wise(first.take(at), last.take(at), company.take(at), "\t")
        return prefixed("NAME:", pc.utf8_lower(joined))

    levels = [
        Level(kinds == ids.RAW, values=email),
        Level(kinds == ids.SHA256, values=email, is_key=True),
        prefixed_level("SHA512_EMAIL:", ids.keep(email, pa.array(kinds == ids.SHA512))),
        # The key spells the id without hyphens, as keys made before the canonical form did.
        prefixed_level("GOOGLE_AID:", pc.replace_substring(checks["googleaid"].value, "-", "")),
    ]
    if allow_idfa:
        levels.append(prefixed_level("APPLE_IDFA:", checks["appleidfa"].value))
    levels.append(Level(valid(first) & valid(last) & valid(company), build=name_identity))
    return levels


def _prepare_users(table: Table, columns: ColumnMap, *, allow_idfa: bool, apply_fixes: bool, also_sha512: bool) -> Prepared:
    n = table.num_rows
    checks = _user_checks(table, columns, apply_fixes)
    found = identify(_user_levels(checks, allow_idfa), n)
    rejected = np.flatnonzero(~found.matchable)

    def gather() -> quality_mod.Evidence:
        reasons = _user_reasons(table, columns, checks, rejected, allow_idfa)
        return quality_mod.gather(kind=USERS, table=table, columns=columns, checks=checks,
                                  rejected_positions=rejected, rejected_reasons=reasons)

    deduped, evidence = _dedupe_beside(table, columns, found, gather)
    email = checks["email"]
    kinds = _email_kinds(checks, n)
    # SHA256_EMAIL is the key itself wherever the identity is the address or its SHA-256.
    email_keyed = ((kinds == ids.RAW) | (kinds == ids.SHA256))[deduped.positions]
    sha512 = ids.keep(email.value, pa.array(kinds == ids.SHA512))
    if also_sha512 and (kinds == ids.RAW).any():
        raw = pa.array(kinds == ids.RAW)
        sha512 = pc.replace_with_mask(sha512, raw, ids.sha512_column(email.value.filter(raw)))
    fields = pa.table({
        "SHA512_EMAIL": sha512, "GOOGLE_AID": checks["googleaid"].value,
        "APPLE_IDFA": checks["appleidfa"].value if allow_idfa else pa.nulls(n, pa.string()),
        "firstName": checks["firstname"].value, "lastName": checks["lastname"].value,
        "title": checks["jobtitle"].value, "company": checks["employeecompany"].value,
        "country": checks["country"].value,
    })
    quality = quality_mod.build(
        kind=USERS, table=table, columns=columns, checks=checks, matchable=int(found.matchable.sum()),
        unique=len(deduped.positions), exact_duplicates=deduped.exact, duplicates=deduped.duplicates.num_rows,
        evidence=evidence, idfa_sent=allow_idfa,
    )
    return Prepared(USERS, columns, quality, table.rows.to_numpy()[deduped.positions], deduped.keys,
                    deduped.duplicates, fields, deduped.positions, email_keyed)


def _user_reasons(table: Table, columns: ColumnMap, checks: Mapping[str, Checked], rejected: np.ndarray,
                  allow_idfa: bool) -> list[str]:
    idfa_given = valid(checks["appleidfa"].value)
    name_given = {f: valid(checks[f].value) for f in ("firstname", "lastname", "employeecompany")}

    def notes(i: int) -> list[str]:
        out = []
        if not allow_idfa and idfa_given[i]:
            out.append("appleidfa: not sent (IDFAs are not allowed)")
        missing = [f for f, given in name_given.items() if not given[i]]
        if 0 < len(missing) < 3:
            out.append(f"matching by name needs first+last name+company: {', '.join(missing)} missing or invalid")
        return out

    fields = [f for f in ("email", "googleaid", "appleidfa", "firstname", "lastname", "employeecompany") if columns.get(f)]
    reasons = rejections.reasons(rejected, checks, fields, "no email, googleaid, or first+last name+company", notes)
    return rejections.mark_empty(table, columns, rejected, reasons)


# -- companies -------------------------------------------------------------------------------------
def _company_checks(table: Table, columns: ColumnMap, apply_fixes: bool) -> dict[str, Checked]:
    return _checks(table, columns, {
        "companyname": ids.check_texts,
        "companywebsite": ids.check_websites,
        "companyemaildomain": ids.check_email_domains,
        "linkedincompanypageurl": ids.check_page_urls,
        "organization": ids.check_organizations,
        "email": ids.check_emails,
        "stocksymbol": ids.check_tickers,
        "industry": ids.check_texts,
        "city": ids.check_texts,
        "state": ids.check_texts,
        "companycountry": lambda v: ids.check_countries(v, apply_fixes=apply_fixes),
        "zipcode": ids.check_texts,
    })


@dataclass(frozen=True)
class _CompanyKeys:
    urn: pa.Array  # organization URN from the organization column or a numeric page URL
    email_domain: pa.Array  # the email domain column, else derived from a (business) email
    free_address: np.ndarray  # rows whose only email is a free-mail address


def _company_keys(checks: Mapping[str, Checked], columns: ColumnMap) -> _CompanyKeys:
    page = checks["linkedincompanypageurl"]
    n = len(page.value)
    urn = checks["organization"].value
    if page.derived is not None and page.derived.null_count < n:
        urn = pc.coalesce(urn, page.derived)
    email_domain = checks["companyemaildomain"].value
    free_address = np.zeros(n, dtype=bool)
    if columns.get("email"):
        domains = ids.email_domains(checks["email"])
        free = pc.fill_null(ids.free_mail(domains), False)
        free_address = free.to_numpy(zero_copy_only=False)
        email_domain = pc.coalesce(email_domain, ids.keep(domains, pc.invert(free)))
    return _CompanyKeys(urn, email_domain, free_address)


def _company_levels(checks: Mapping[str, Checked], keys: _CompanyKeys) -> list[Level]:
    name, country = checks["companyname"].value, checks["companycountry"].value

    def name_identity(where: np.ndarray) -> pa.Array:
        at = pa.array(where)
        joined = pc.binary_join_element_wise(pc.utf8_lower(name.take(at)), pc.fill_null(country.take(at), ""), "\t")
        return prefixed("NAME:", joined)

    return [
        prefixed_level("ORGANIZATION:", keys.urn, drop=len(ids.ORGANIZATION_PREFIX)),
        prefixed_level("PAGE:", checks["linkedincompanypageurl"].value, drop=len(ids.PAGE_URL_PREFIX)),
        prefixed_level("DOMAIN:", checks["companywebsite"].value),
        prefixed_level("DOMAIN:", keys.email_domain),
        Level(valid(name), build=name_identity),
    ]


def _prepare_companies(table: Table, columns: ColumnMap, *, apply_fixes: bool) -> Prepared:
    n = table.num_rows
    checks = _company_checks(table, columns, apply_fixes)
    keys = _company_keys(checks, columns)
    found = identify(_company_levels(checks, keys), n)
    rejected = np.flatnonzero(~found.matchable)
    fields_ = [f for f in ("companyname", "companywebsite", "companyemaildomain", "linkedincompanypageurl",
                           "organization", "email") if columns.get(f)]

    def free_note(i: int) -> list[str]:
        return ["email: a free-mail address says nothing about the company"] if keys.free_address[i] else []

    def gather() -> quality_mod.Evidence:
        reasons = rejections.reasons(rejected, checks, fields_,
                           "no company name, website, email domain, LinkedIn page URL or organization id", free_note)
        return quality_mod.gather(kind=COMPANIES, table=table, columns=columns, checks=checks,
                                  rejected_positions=rejected,
                                  rejected_reasons=rejections.mark_empty(table, columns, rejected, reasons))

    deduped, evidence = _dedupe_beside(table, columns, found, gather)
    page = checks["linkedincompanypageurl"].value
    website = checks["companywebsite"].value
    has_page = (valid(keys.urn) | valid(page))
    has_domain = (valid(website) | valid(keys.email_domain))
    # "page", "domain" or "name" per row, spelled by pyarrow from three codes (numpy strings cost 0.1 s a million)
    level = pa.DictionaryArray.from_arrays(
        pa.array(np.where(has_page, 0, np.where(has_domain, 1, 2)).astype(np.int8)), pa.array(["page", "domain", "name"])
    ).dictionary_decode()
    fields = pa.table({
        "companyName": checks["companyname"].value, "companyWebsiteDomain": website,
        "companyEmailDomain": keys.email_domain, "organizationUrn": keys.urn, "companyPageUrl": page,
        "stockSymbol": checks["stocksymbol"].value, "industries": checks["industry"].value,
        "city": checks["city"].value, "state": checks["state"].value, "country": checks["companycountry"].value,
        "postalCode": checks["zipcode"].value, "coverage": level,
    })
    sent_page, sent_domain = has_page[deduped.positions], has_domain[deduped.positions]
    coverage = Coverage(page=int(sent_page.sum()), domain=int((sent_domain & ~sent_page).sum()),
                        name_only=int((~sent_page & ~sent_domain).sum()))
    quality = quality_mod.build(
        kind=COMPANIES, table=table, columns=columns, checks=checks, matchable=int(found.matchable.sum()),
        unique=len(deduped.positions), exact_duplicates=deduped.exact, duplicates=deduped.duplicates.num_rows,
        evidence=evidence, coverage=coverage,
    )
    return Prepared(COMPANIES, columns, quality, table.rows.to_numpy()[deduped.positions], deduped.keys,
                    deduped.duplicates, fields, deduped.positions)


__all__ = ["NothingToSend", "identities", "nothing_to_send", "prepare"]
