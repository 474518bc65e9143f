"""Column mapping: which of a table's columns feeds which LinkedIn field, and the guess at it.

``ColumnMap`` says which column feeds which field. Fields are LinkedIn's template headers
(``USER_FIELDS``, ``COMPANY_FIELDS``) plus ``appleidfa`` for people and ``organization`` (a
bare organization id or URN) and ``email`` (to derive an email domain) for companies.
``guess_columns`` recognises the templates exactly and obvious synonyms (Email, E-mail,
email_address, First Name, Company, Country Code, GAID, Website, Ticker...), then columns
whose content is unmistakable (emails, ad ids, LinkedIn page URLs); the hand-mapping UI
edits the result with ``ColumnMap.with_column``. ``LABELS`` names each field for the analyst.

Split from ``reader``, which reads tables and knows nothing of LinkedIn's fields: mapping
builds on a ``Table`` that was read, never the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from linkedin.tables.lengths import sniffable
from linkedin.tables.table import Table, TableError, header_key

USERS, COMPANIES = "users", "companies"
KINDS = (USERS, COMPANIES)

# LinkedIn's Campaign Manager templates (linkedin-api.md §9), header rows exactly.
USER_TEMPLATE = ("email", "firstname", "lastname", "jobtitle", "employeecompany", "country", "googleaid")
COMPANY_TEMPLATE = (
    "companyname", "companywebsite", "companyemaildomain", "linkedincompanypageurl", "stocksymbol",
    "industry", "city", "state", "companycountry", "zipcode",
)
USER_FIELDS = (*USER_TEMPLATE, "appleidfa")
COMPANY_FIELDS = (*COMPANY_TEMPLATE, "organization", "email")
FIELDS = {USERS: USER_FIELDS, COMPANIES: COMPANY_FIELDS}

LABELS = {
    "email": "Email", "firstname": "First name", "lastname": "Last name", "jobtitle": "Job title",
    "employeecompany": "Company", "country": "Country", "googleaid": "Google ad id (GAID)",
    "appleidfa": "Apple IDFA", "companyname": "Company name", "companywebsite": "Website",
    "companyemaildomain": "Email domain", "linkedincompanypageurl": "LinkedIn page URL",
    "stocksymbol": "Stock symbol", "industry": "Industry", "city": "City", "state": "State",
    "companycountry": "Country", "zipcode": "Postal code", "organization": "Organization id",
}

# Header synonyms, compared as _header_key() makes them (lower case, letters and digits only).
_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    USERS: {
        "email": ("email", "emails", "emailaddress", "mail", "emailid", "workemail", "businessemail",
                  "personalemail", "contactemail", "primaryemail", "emailadresse", "courriel", "correo",
                  "correoelectronico", "hashedemail", "emailhash", "sha256email", "emailsha256",
                  "hashedemailaddress", "sha256"),
        "firstname": ("firstname", "first", "givenname", "forename", "fname", "vorname", "prenom", "nombre"),
        "lastname": ("lastname", "last", "surname", "familyname", "lname", "nachname", "nom", "apellido", "apellidos"),
        "jobtitle": ("jobtitle", "title", "position", "role", "jobrole", "designation", "titel", "poste", "cargo"),
        "employeecompany": ("employeecompany", "company", "companyname", "employer", "organization",
                            "organisation", "account", "accountname", "firma", "unternehmen", "entreprise",
                            "societe", "empresa", "currentcompany"),
        "country": ("country", "countrycode", "countryiso", "countryregion", "iso2", "countryisocode",
                    "land", "pays", "pais"),
        "googleaid": ("googleaid", "gaid", "aaid", "androidid", "androidadid", "androidadvertisingid",
                      "googleadid", "googleadvertisingid"),
        "appleidfa": ("appleidfa", "idfa", "iosidfa", "appleadid", "iosadid", "iosadvertisingid"),
    },
    COMPANIES: {
        "companyname": ("companyname", "company", "name", "account", "accountname", "organization",
                        "organisation", "organizationname", "business", "businessname", "employer", "firma"),
        "companywebsite": ("companywebsite", "website", "web", "url", "site", "websiteurl", "homepage",
                           "companyurl", "domain", "companydomain", "websitedomain", "webdomain"),
        "companyemaildomain": ("companyemaildomain", "emaildomain", "maildomain"),
        "linkedincompanypageurl": ("linkedincompanypageurl", "linkedinurl", "linkedin", "linkedinpage",
                                   "linkedinpageurl", "companypageurl", "pageurl", "linkedincompanyurl",
                                   "companylinkedinurl", "linkedincompanypage", "companylinkedin",
                                   "linkedinprofile", "linkedinprofileurl"),
        "stocksymbol": ("stocksymbol", "ticker", "tickersymbol", "symbol", "stock", "stockticker"),
        "industry": ("industry", "industries", "sector", "vertical"),
        "city": ("city", "town", "locality", "stadt", "ville", "ciudad"),
        "state": ("state", "province", "region", "stateprovince", "stateorprovince", "bundesland"),
        "companycountry": ("companycountry", "country", "countrycode", "hqcountry", "land", "pays", "pais"),
        "zipcode": ("zipcode", "zip", "postalcode", "postcode", "plz", "postleitzahl", "codepostal"),
        "organization": ("organizationid", "orgid", "organizationurn", "orgurn", "linkedinid",
                         "linkedinorganizationid", "linkedincompanyid", "linkedinorgid"),
        "email": ("email", "emailaddress", "contactemail", "workemail", "businessemail"),
    },
}
# Content that identifies a column whatever its header says: (kind, field, regex on lower-cased cells).
_CONTENT = (
    (USERS, "email", r"^\s*(?:[^@\s]+@[^@\s]+\.[^@\s]+|[0-9a-f]{64}|[0-9a-f]{128})\s*$"),
    (USERS, "googleaid", r"^\s*[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\s*$"),
    (COMPANIES, "linkedincompanypageurl", r"^\s*(?:https?://)?(?:[a-z0-9-]+\.)?linkedin\.com/company/"),
    (COMPANIES, "email", r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"),
    # A column of bare domains or websites (a pasted list of domains): after the page URLs above.
    (COMPANIES, "companywebsite", r"^\s*(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,24}(?::[0-9]+)?(?:/\S*)?\s*$"),
)


_header_key = header_key  # one normalization for reading and for mapping


@dataclass(frozen=True)
class ColumnMap:
    """Which column feeds which field: ``pairs`` of (field, column), in field order."""

    kind: str
    pairs: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        fields = FIELDS[self.kind]
        for f, _ in self.pairs:
            if f not in fields:
                raise TableError(f"'{f}' is not a {self.kind} field (fields: {', '.join(fields)})")
        seen: dict[str, str] = {}
        for f, c in self.pairs:
            if c in seen:
                raise TableError(f"column '{c}' is mapped to both {seen[c]} and {f}")
            seen[c] = f
        if len({f for f, _ in self.pairs}) != len(self.pairs):
            raise TableError("a field is mapped twice")
        ordered = tuple(sorted(self.pairs, key=lambda p: fields.index(p[0])))
        object.__setattr__(self, "pairs", ordered)

    @classmethod
    def of(cls, kind: str, mapping: dict[str, str | None] | ColumnMap) -> ColumnMap:
        """From ``{field: column}`` (None or "" leaves a field unmapped)."""
        if isinstance(mapping, ColumnMap):
            if mapping.kind != kind:
                raise ValueError(f"this column map is for {mapping.kind}, not {kind}")
            return mapping
        return cls(kind, tuple((f, c) for f, c in mapping.items() if c))

    def get(self, field_name: str) -> str | None:
        """The column feeding ``field_name``, or None."""
        return dict(self.pairs).get(field_name)

    def as_dict(self) -> dict[str, str]:
        return dict(self.pairs)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f, _ in self.pairs)

    def with_column(self, field_name: str, column: str | None) -> ColumnMap:
        """A copy with ``field_name`` fed by ``column`` (None: unmapped); a column moves, never doubles."""
        pairs = {f: c for f, c in self.pairs if f != field_name and c != column}
        if column:
            pairs[field_name] = column
        return ColumnMap(self.kind, tuple(pairs.items()))

    def unmapped(self, table: Table) -> tuple[str, ...]:
        """The table's columns that feed no field (they are ignored)."""
        used = {c for _, c in self.pairs}
        return tuple(c for c in table.columns if c not in used)

    def validate(self, table: Table, *, allow_idfa: bool = False) -> None:
        """Raise TableError unless every mapped column exists and at least one can match."""
        for f, c in self.pairs:
            if c not in table.columns:
                raise TableError(
                    f"column '{c}' (for {f}) is not in {table.source}; its columns are: {', '.join(table.columns)}"
                )
        if not self.can_match(allow_idfa=allow_idfa):
            raise TableError(self.need())

    def can_match(self, *, allow_idfa: bool = False) -> bool:
        have = set(self.fields)
        if self.kind == USERS:
            return bool(
                {"email", "googleaid"} & have
                or (allow_idfa and "appleidfa" in have)
                or {"firstname", "lastname", "employeecompany"} <= have
            )
        return bool(have & {"companyname", "companywebsite", "companyemaildomain", "linkedincompanypageurl", "organization", "email"})

    def need(self) -> str:
        """What a table must have to be matched at all, as the analyst reads it."""
        if self.kind == USERS:
            return "no column can be used to match (need email, googleaid, or first+last name+company)"
        return (
            "no column can be used to match (need company name, website, email domain, "
            "LinkedIn page URL or organization id)"
        )


def guess_columns(table: Table, kind: str) -> ColumnMap:
    """The obvious mapping: template headers, then synonyms, then unmistakable content."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    synonyms = _SYNONYMS[kind]
    pairs: dict[str, str] = {}
    used: set[str] = set()
    keys = {c: _header_key(c) for c in table.columns}
    for exact in (True, False):
        for column, key in keys.items():
            if column in used:
                continue
            for f in FIELDS[kind]:
                if f in pairs:
                    continue
                if (exact and key == f) or (not exact and key in synonyms[f]):
                    pairs[f] = column
                    used.add(column)
                    break
    for k, f, pattern in _CONTENT:
        if k != kind or f in pairs:
            continue
        for column in table.columns:
            if column not in used and _content_is(table, column, pattern):
                pairs[f] = column
                used.add(column)
                break
    return ColumnMap(kind, tuple(pairs.items()))


def _content_is(table: Table, column: str, pattern: str, sample: int = 200) -> bool:
    values = [v for v in table.data.column(column).slice(0, sample * 5).to_pylist() if v and v.strip()][:sample]
    if not values:
        return False
    rx = re.compile(pattern)  # Python's re backtracks: only on cells short enough to be such content
    return sum(sniffable(v) and bool(rx.search(v.lower())) for v in values) >= 0.8 * len(values)


def guess_kind(table: Table) -> str:
    """USERS or COMPANIES: companies when the headers say so (template or synonyms), else users."""
    users = len(guess_columns(table, USERS).pairs)
    companies = guess_columns(table, COMPANIES)
    company_only = set(companies.fields) - {"email", "companyname", "companycountry"}
    return COMPANIES if company_only and len(companies.pairs) >= users else USERS


def other_kind_template(table: Table, kind: str) -> str | None:
    """When ``table`` is LinkedIn's template of the other kind, the refusal to show (else None):
    a contact list given to a company sync, or the reverse, is a wrong file, not a mapping to guess."""
    if kind == COMPANIES and is_template(table, USERS):
        return (f"{table.source} is LinkedIn's contact template: this is a contact list: use the people page / "
                "`sync users` (or map its columns by hand)")
    if kind == USERS and is_template(table, COMPANIES):
        return (f"{table.source} is LinkedIn's company template: this is a company list: use the companies page / "
                "`sync companies` (or map its columns by hand)")
    return None


def is_template(table: Table, kind: str) -> bool:
    """True when the header row is exactly LinkedIn's template for ``kind``."""
    return table.columns == (USER_TEMPLATE if kind == USERS else COMPANY_TEMPLATE)
