"""Ad accounts the connected member can access, with the member's role on each (MA-101).

Two finders, joined: ``adAccountUsers?q=authenticatedUser`` (start/count pages) gives the
member's role per account, ``adAccounts?q=search`` (cursor pages since 202401) gives the
accounts' names and statuses. Audiences can be managed only where the role is not VIEWER
(linkedin-api.md §3 "Roles", §4) and the account is open: a CANCELED, PENDING_DELETION or
REMOVED account serves no campaign, so creating or filling a segment there is refused with
the reason before any call (``Account.refusal``, ``require_manageable``), whoever asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from linkedin.api import restli
from linkedin.api.client import Client
from linkedin.api.errors import MalformedResponse, NotManageable

STATUSES = ("ACTIVE", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED")
ROLES = ("ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER", "VIEWER")
READ_ONLY_ROLES = frozenset({"VIEWER"})
# Accounts that are closed or on their way out: no audience is created or changed there.
CLOSED_STATUSES = frozenset({"CANCELED", "PENDING_DELETION", "REMOVED"})
# Every status spelled out: without a status filter LinkedIn's search may default to
# ACTIVE only (linkedin-api.md §4 [P]); listing them all is explicit and documented.
ALL_STATUSES_SEARCH = {"status": {"values": list(STATUSES)}}
ACCOUNT_PAGE_SIZE = 100  # LinkedIn's default pageSize for adAccounts
ROLE_PAGE_COUNT = 100


def account_urn(account_id: int | str) -> str:
    return restli.urn("sponsoredAccount", account_id)


def _account_id(value: Any) -> int | None:
    """The numeric id of ``123``, ``"123"`` or ``"urn:li:sponsoredAccount:123"``; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        tail = restli.urn_id(value) if value.startswith("urn:li:sponsoredAccount:") else value
        if tail.isdigit():
            return int(tail)
    return None


@dataclass(frozen=True)
class AccountRole:
    """The member's role on one ad account (an ``adAccountUsers`` element)."""

    account_id: int
    user: str
    role: str

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> "AccountRole":
        account_id = _account_id(data.get("account"))
        if account_id is None:
            raise MalformedResponse(f"an adAccountUsers element has no usable account URN ({data.get('account')!r})")
        role = data.get("role")
        return cls(account_id=account_id, user=str(data.get("user") or ""), role=str(role) if role else "UNKNOWN")


@dataclass(frozen=True)
class AdAccount:
    """An ``adAccounts`` element: what LinkedIn says about the account itself."""

    id: int
    name: str
    status: str
    type: str
    currency: str
    test: bool
    reference: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> "AdAccount":
        account_id = _account_id(data.get("id"))
        if account_id is None:
            raise MalformedResponse(f"an adAccounts element has no numeric id ({data.get('id')!r})")
        return cls(
            id=account_id,
            name=str(data.get("name") or f"Account {account_id}"),
            status=str(data.get("status") or "UNKNOWN"),
            type=str(data.get("type") or "UNKNOWN"),
            currency=str(data.get("currency") or ""),
            test=bool(data.get("test", False)),
            reference=data.get("reference") if isinstance(data.get("reference"), str) else None,
        )


@dataclass(frozen=True)
class Account:
    """An ad account as the app shows it: the account joined with the member's role."""

    id: int
    name: str
    status: str
    type: str
    currency: str
    test: bool
    role: str  # one of ROLES, or UNKNOWN when LinkedIn listed the account without a role
    reference: str | None = None
    details_missing: bool = False  # a role without a matching search result

    @property
    def urn(self) -> str:
        return account_urn(self.id)

    @property
    def can_manage(self) -> bool:
        """Audiences can be created and changed here: an open account, any known role but VIEWER."""
        return self.refusal is None

    @property
    def refusal(self) -> str | None:
        """Why audiences cannot be created or changed here, in a sentence; None when they can."""
        if self.status in CLOSED_STATUSES:
            return (f"ad account {self.label} is {self.status}: LinkedIn serves no campaign from it, so its "
                    "audiences cannot be created or changed")
        if self.role in READ_ONLY_ROLES:
            return f"your role on ad account {self.label} is {self.role}, which can read audiences but not change them"
        if self.role not in ROLES:
            return (f"LinkedIn lists no role of yours on ad account {self.label} ({self.role}), so its audiences "
                    "cannot be changed")
        return None

    @property
    def manage_text(self) -> str:
        """"yes", or "no" and the short reason, for the accounts table."""
        if self.can_manage:
            return "yes"
        if self.status in CLOSED_STATUSES:
            return "no (closed account)"
        return "no (read only)" if self.role in READ_ONLY_ROLES else "no"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})"

    def to_row(self) -> dict[str, Any]:
        """A flat row for tables."""
        return {
            "Account": self.name,
            "ID": self.id,
            "Status": self.status,
            "Type": self.type,
            "Currency": self.currency,
            "Test": self.test,
            "Role": self.role,
            "Can manage audiences": self.manage_text,
        }


@dataclass(frozen=True)
class AccountList:
    """All accounts of the member, plus what could not be read (shown, never fatal)."""

    accounts: tuple[Account, ...]
    problems: tuple[str, ...] = ()

    @property
    def manageable(self) -> tuple[Account, ...]:
        return tuple(a for a in self.accounts if a.can_manage)

    @property
    def viewer_only(self) -> bool:
        """The member has accounts but may manage audiences on none of them."""
        return bool(self.accounts) and not self.manageable

    def by_urn(self) -> dict[str, Account]:
        return {a.urn: a for a in self.accounts}


def require_manageable(account: Account) -> Account:
    """``account`` when audiences may be created and changed there; else ``NotManageable``
    with the reason, before anything is sent."""
    if account.refusal:
        raise NotManageable(account.refusal[0].upper() + account.refusal[1:] + ".")
    return account


def roles(client: Client) -> tuple[list[AccountRole], list[str]]:
    """The member's roles, every page of ``adAccountUsers?q=authenticatedUser``."""
    found: list[AccountRole] = []
    problems: list[str] = []
    for element in client.elements("/rest/adAccountUsers", params={"q": "authenticatedUser"}, count=ROLE_PAGE_COUNT):
        try:
            found.append(AccountRole.from_api(element))
        except MalformedResponse as err:
            problems.append(f"Skipped a role LinkedIn sent: {err.message}.")
    return found, problems


def search(client: Client, *, statuses: Iterable[str] = STATUSES) -> tuple[list[AdAccount], list[str]]:
    """Accounts from ``adAccounts?q=search``, every cursor page, in the given statuses."""
    found: list[AdAccount] = []
    problems: list[str] = []
    params = {"q": "search", "search": {"status": {"values": list(statuses)}}}
    for element in client.cursor_elements("/rest/adAccounts", params=params, page_size=ACCOUNT_PAGE_SIZE):
        try:
            found.append(AdAccount.from_api(element))
        except MalformedResponse as err:
            problems.append(f"Skipped an ad account LinkedIn sent: {err.message}.")
    return found, problems


def join(found_roles: Iterable[AccountRole], found_accounts: Iterable[AdAccount]) -> list[Account]:
    """One row per account the member holds a role on (or that search returned), by name.

    A role whose account search did not return keeps its id with ``details_missing``; an
    account without a role gets role UNKNOWN (and so is not manageable).
    """
    details = {a.id: a for a in found_accounts}
    role_of: dict[int, str] = {}
    for r in found_roles:
        # Several roles on one account cannot happen at LinkedIn; keep the strongest.
        current = role_of.get(r.account_id)
        if current is None or _rank(r.role) < _rank(current):
            role_of[r.account_id] = r.role
    out: list[Account] = []
    for account_id in dict.fromkeys([*role_of, *details]):
        acc = details.get(account_id)
        role = role_of.get(account_id, "UNKNOWN")
        if acc is None:
            out.append(Account(account_id, f"Account {account_id}", "UNKNOWN", "UNKNOWN", "", False, role,
                               details_missing=True))
        else:
            out.append(Account(acc.id, acc.name, acc.status, acc.type, acc.currency, acc.test, role, acc.reference))
    return sorted(out, key=lambda a: (a.name.lower(), a.id))


def _rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else len(ROLES)


def load(client: Client) -> AccountList:
    """Every ad account of the connected member with their role: two finders, all pages."""
    found_roles, role_problems = roles(client)
    if not found_roles:
        # No role anywhere: the member has no ad account, and search would return none.
        return AccountList((), tuple(role_problems))
    found_accounts, search_problems = search(client)
    joined = join(found_roles, found_accounts)
    problems = [*role_problems, *search_problems]
    missing = [a.id for a in joined if a.details_missing]
    if missing:
        problems.append(
            f"LinkedIn listed a role on {len(missing)} account(s) that its account search did not return "
            f"({', '.join(map(str, missing[:5]))}{'...' if len(missing) > 5 else ''}): shown without details."
        )
    return AccountList(tuple(joined), tuple(problems))


def matches(account: Account, text: str) -> bool:
    """Search by name (case-insensitive, any part) or by id / URN."""
    text = text.strip().lower()
    if not text:
        return True
    return text in account.name.lower() or text in str(account.id) or text == account.urn.lower()


def select(
    accounts: Iterable[Account],
    *,
    statuses: Iterable[str] | None = None,
    roles: Iterable[str] | None = None,
    text: str = "",
) -> list[Account]:
    """The accounts passing the page's filters; an empty or None filter lets everything through."""
    wanted_status = set(statuses or ())
    wanted_role = set(roles or ())
    return [
        a
        for a in accounts
        if (not wanted_status or a.status in wanted_status)
        and (not wanted_role or a.role in wanted_role)
        and matches(a, text)
    ]
