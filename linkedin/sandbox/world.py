"""The sandbox's single state object: one clock, the settings, the members, the tokens,
and LinkedIn's ads data. Routes read and change it; `reset()` brings back the seed."""

from __future__ import annotations

from typing import Any

from .accounts import AccountUser, AdAccount, seed_accounts
from .clock import Clock
from .faults import FaultQueue
from .population import Member, Population
from .settings import SandboxSettings
from .tokens import TokenStore


class World:
    """Everything the sandbox knows. Stored as `app.state.sandbox`."""

    def __init__(
        self,
        settings: SandboxSettings | None = None,
        *,
        seed: int = 7,
        population_size: int = 500,
        clock: Clock | None = None,
    ) -> None:
        self.seed = seed
        self.initial_settings = settings or SandboxSettings()
        self.clock = clock or Clock()
        self.population = Population.generate(seed=seed, size=population_size)
        self.tokens = TokenStore()
        self.faults = FaultQueue()
        self.settings = self.initial_settings
        self.ad_accounts: dict[int, AdAccount] = {}
        self.account_users: dict[tuple[int, str], AccountUser] = {}
        # Placeholders the Marketing API work fills: segments by id, and their members.
        self.segments: dict[int, Any] = {}
        self.segment_members: dict[int, Any] = {}
        self.companies: list[Any] = []
        self.reset()

    def reset(self) -> None:
        """Back to the seeded state: clock offset 0, initial settings, no tokens or faults."""
        self.clock.reset()
        self.settings = self.initial_settings
        self.tokens.clear()
        self.faults.clear()
        self.ad_accounts, self.account_users = seed_accounts(
            self.population, seed=self.seed, now_ms=self.clock.now_ms()
        )
        self.segments.clear()
        self.segment_members.clear()

    # -- members -------------------------------------------------------------------------
    @property
    def members(self) -> tuple[Member, ...]:
        return self.population.members

    @property
    def demo_members(self) -> tuple[Member, ...]:
        """The people who can sign in on the consent screen, the default first."""
        return self.population.demo

    def member(self, member_id: str) -> Member | None:
        """A member by person id or URN."""
        return self.population.get(member_id)

    # -- ad accounts ---------------------------------------------------------------------
    def roles_of(self, member_urn: str) -> list[AccountUser]:
        """The member's roles on ad accounts, ordered by account id."""
        return sorted(
            (u for u in self.account_users.values() if u.user == member_urn), key=lambda u: u.account_id
        )

    def users_of(self, account_id: int) -> list[AccountUser]:
        return sorted((u for u in self.account_users.values() if u.account_id == account_id), key=lambda u: u.user)

    # -- the controls' view ----------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """State for GET /_sandbox/state. Token strings never appear here."""
        now = self.clock.now()
        return {
            "now": int(now),
            "clock_offset": self.clock.offset,
            "seed": self.seed,
            "settings": self.settings.to_json(),
            "members": [
                {
                    "id": m.id, "urn": m.urn, "name": m.name, "email": m.email,
                    "ad_accounts": len(self.roles_of(m.urn)),
                }
                for m in self.demo_members
            ],
            "population_size": len(self.population),
            "tokens": [g.summary(now) for g in self.tokens.grants.values()],
            "faults": self.faults.to_json(),
        }
