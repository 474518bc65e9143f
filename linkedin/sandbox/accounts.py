"""Ad accounts and members' roles on them, in LinkedIn's shapes (linkedin-api.md §4)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .population import AVERY, VIC, Population

ROLES = ("ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER", "VIEWER")
STATUSES = ("ACTIVE", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED")
_DAY_MS = 86_400_000


def account_urn(account_id: int) -> str:
    return f"urn:li:sponsoredAccount:{account_id}"


@dataclass(frozen=True, kw_only=True)
class AdAccount:
    """One sponsored (ad) account."""

    id: int
    name: str
    status: str = "ACTIVE"
    type: str = "BUSINESS"
    currency: str = "USD"
    reference: str = ""  # the owning organization or person URN
    test: bool = False
    created_ms: int = 0
    last_modified_ms: int = 0
    version_tag: str = "1"
    serving_statuses: tuple[str, ...] = field(default=())

    @property
    def urn(self) -> str:
        return account_urn(self.id)

    def to_api(self) -> dict[str, Any]:
        """The adAccounts resource as LinkedIn returns it."""
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "type": self.type,
            "currency": self.currency,
            "reference": self.reference,
            "test": self.test,
            "servingStatuses": list(self.serving_statuses),
            "notifiedOnCampaignOptimization": False,
            "notifiedOnCreativeApproval": False,
            "notifiedOnCreativeRejection": False,
            "notifiedOnEndOfCampaign": False,
            "notifiedOnNewFeaturesEnabled": False,
            "changeAuditStamps": {"created": {"time": self.created_ms}, "lastModified": {"time": self.last_modified_ms}},
            "version": {"versionTag": self.version_tag},
        }


@dataclass(frozen=True, kw_only=True)
class AccountUser:
    """A member's role on one ad account (the adAccountUsers resource)."""

    account_id: int
    user: str  # urn:li:person:...
    role: str
    created_ms: int = 0
    last_modified_ms: int = 0
    version_tag: str = "1"

    @property
    def key(self) -> tuple[int, str]:
        return (self.account_id, self.user)

    def to_api(self) -> dict[str, Any]:
        return {
            "account": account_urn(self.account_id),
            "user": self.user,
            "role": self.role,
            "changeAuditStamps": {"created": {"time": self.created_ms}, "lastModified": {"time": self.last_modified_ms}},
            "version": {"versionTag": self.version_tag},
        }


# Avery's accounts: (name, status, type, test, Avery's role). Every status and role appears.
_AVERY_ACCOUNTS = (
    ("Northwind - Brand US", "ACTIVE", "BUSINESS", False, "ACCOUNT_MANAGER"),
    ("Northwind - Demand Gen EMEA", "ACTIVE", "BUSINESS", False, "CAMPAIGN_MANAGER"),
    ("Northwind - Recruiting", "ACTIVE", "BUSINESS", False, "ACCOUNT_BILLING_ADMIN"),
    ("Northwind - Creative Studio", "ACTIVE", "BUSINESS", False, "CREATIVE_MANAGER"),
    ("Northwind - Partner Co-op", "ACTIVE", "ENTERPRISE", False, "VIEWER"),
    ("Northwind - Enterprise ABM", "ACTIVE", "ENTERPRISE", False, "ACCOUNT_MANAGER"),
    ("Northwind - Sandbox Test", "ACTIVE", "BUSINESS", True, "ACCOUNT_MANAGER"),
    ("Northwind - Events 2025", "CANCELED", "BUSINESS", False, "ACCOUNT_MANAGER"),
    ("Northwind - Legacy APAC", "CANCELED", "BUSINESS", False, "VIEWER"),
    ("Northwind - Q3 Launch (draft)", "DRAFT", "BUSINESS", False, "ACCOUNT_MANAGER"),
    ("Northwind - New Market (draft)", "DRAFT", "BUSINESS", False, "CAMPAIGN_MANAGER"),
    ("Northwind - Old Agency", "PENDING_DELETION", "BUSINESS", False, "ACCOUNT_MANAGER"),
    ("Northwind - Retired Brand", "REMOVED", "BUSINESS", False, "ACCOUNT_MANAGER"),
    ("Northwind - Careers Employer Brand", "ACTIVE", "BUSINESS", False, "ACCOUNT_MANAGER"),
)
# Vic only views: two of Avery's accounts and one of Contoso's own.
_VIC_SHARED = (0, 1)
_VIC_OWN = ("Contoso - Awareness", "ACTIVE", "BUSINESS", False, "VIEWER")


def seed_accounts(
    population: Population, *, seed: int, now_ms: int
) -> tuple[dict[int, AdAccount], dict[tuple[int, str], AccountUser]]:
    """The demo ad accounts and roles: Avery has many, Vic only VIEWER roles, Noa none."""
    rng = random.Random(f"accounts:{seed}")
    accounts: dict[int, AdAccount] = {}
    users: dict[tuple[int, str], AccountUser] = {}

    def add_account(name: str, status: str, kind: str, test: bool, org: int) -> AdAccount:
        account_id = rng.randrange(500_000_000, 520_000_000)
        while account_id in accounts:
            account_id = rng.randrange(500_000_000, 520_000_000)
        created = now_ms - rng.randrange(60, 900) * _DAY_MS
        account = AdAccount(
            id=account_id, name=name, status=status, type=kind, currency="USD" if org % 2 else "EUR",
            reference=f"urn:li:organization:{org}", test=test, created_ms=created,
            last_modified_ms=created + rng.randrange(0, 50) * _DAY_MS,
            serving_statuses=("RUNNABLE",) if status == "ACTIVE" else ("ACCOUNT_TOTAL_BUDGET_HOLD",),
        )
        accounts[account_id] = account
        return account

    def add_role(account: AdAccount, user: str, role: str) -> None:
        created = account.created_ms + rng.randrange(0, 30) * _DAY_MS
        users[(account.id, user)] = AccountUser(
            account_id=account.id, user=user, role=role, created_ms=created, last_modified_ms=created
        )

    avery_accounts = []
    for name, status, kind, test, role in _AVERY_ACCOUNTS:
        account = add_account(name, status, kind, test, org=2_414_183)
        avery_accounts.append(account)
        add_role(account, AVERY.urn, role)
    for index in _VIC_SHARED:
        add_role(avery_accounts[index], VIC.urn, "VIEWER")
    name, status, kind, test, role = _VIC_OWN
    add_role(add_account(name, status, kind, test, org=1_035_553), VIC.urn, role)

    # Colleagues from the synthetic population share the accounts, so account finders
    # later see several users per account.
    others = [m for m in population if m not in population.demo]
    for account in list(accounts.values()):
        for member in rng.sample(others, k=min(len(others), rng.randrange(1, 4))):
            add_role(account, member.urn, rng.choice(ROLES))
    return accounts, users
