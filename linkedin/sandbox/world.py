"""The sandbox's single state object: one clock, the settings, the members and companies,
the tokens, and LinkedIn's ads data (accounts, roles, segments and what they hold).
Routes read and change it; `reset()` brings back the seed.

For tests and scripts (`app.state.sandbox` of `create_app()`):

    world.population / world.companies       the synthetic people and organizations
    world.matcher                            their match indexes (built on first use)
    world.ad_accounts, world.account_users   accounts by id, roles by (account id, URN)
    world.roles_of(urn), world.users_of(id), world.role_on(urn, account_id)
    world.segments                           SegmentStore: .get(id), .of_account(id), iter
    world.create_segment(account_id=, name=, type=, source_platform=, ...)
    world.segment_json(segment)              the segment as the API returns it now
    world.segment_status(segment)            its status now
    world.membership(segment)                its stored people or companies
    world.members_changed(segment)           after changing them: UPDATING, recount
    world.campaigns                          CampaignStore: .of_account(id), iter
    world.add_portfolio(urn, accounts=, segments_per_account=)   benchmark data; the member
                                             may then sign in on the consent screen

A segment an ACTIVE campaign targets counts as used at every reading (`_mark_used`), so it
is never archived while the campaign runs, as on LinkedIn.
"""

from __future__ import annotations

import random
from typing import Any

from .accounts import AccountUser, AdAccount, seed_accounts
from .campaigns import CampaignStore, add_campaigns, seed_campaigns
from .clock import Clock
from .companies import Companies
from .faults import FaultQueue
from .matching import Matcher
from .membership import CompanyMembership, UserMembership
from .population import Member, Population
from .portfolio import add_portfolio, seed_segments
from .ratelimit import RateLimiter
from .segments import Lifetimes, Segment, SegmentStore
from .settings import SandboxSettings
from .tokens import TokenStore

DEFAULT_POPULATION = 5_000
DEFAULT_COMPANIES = 2_000


class World:
    """Everything the sandbox knows. Stored as `app.state.sandbox`."""

    def __init__(
        self,
        settings: SandboxSettings | None = None,
        *,
        seed: int = 7,
        population_size: int = DEFAULT_POPULATION,
        company_count: int = DEFAULT_COMPANIES,
        clock: Clock | None = None,
    ) -> None:
        self.seed = seed
        self.initial_settings = settings or SandboxSettings()
        self.clock = clock or Clock()
        self.companies = Companies.generate(seed=seed, size=company_count)
        self.population = Population.generate(seed=seed, size=population_size, employers=self.companies.employers())
        self.matcher = Matcher(self.population, self.companies)
        self.tokens = TokenStore()
        self.faults = FaultQueue()
        self.rate_limits = RateLimiter()
        self.settings = self.initial_settings
        self.ad_accounts: dict[int, AdAccount] = {}
        self.account_users: dict[tuple[int, str], AccountUser] = {}
        self.segments = SegmentStore()
        self.campaigns = CampaignStore()
        self._live: set[int] = set()
        self.guests: list[Member] = []  # members given a portfolio: they may sign in too
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
        self.rate_limits.clear()
        self.guests = []
        seed_segments(self.segments, self.settings.partner_source_platform, self.ad_accounts, seed=self.seed,
                      now=self.clock.now_ms())
        self._live = set()
        seed_campaigns(self.campaigns, self.ad_accounts.values(), self.segments, seed=self.seed,
                       status_of=self.segment_status, now=self.clock.now_ms(),
                       archive_ms=Lifetimes.of(self.settings).archive_ms)
        self._live = self.campaigns.live_ad_segments()

    # -- members -------------------------------------------------------------------------
    @property
    def members(self) -> tuple[Member, ...]:
        return self.population.members

    @property
    def demo_members(self) -> tuple[Member, ...]:
        """The people who can sign in on the consent screen, the default first: the three demo
        members, then any member ``add_portfolio`` gave accounts (a load test's analysts)."""
        return (*self.population.demo, *self.guests)

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

    def role_on(self, member_urn: str, account_id: int) -> str | None:
        """The member's role on the account, None without one."""
        user = self.account_users.get((account_id, member_urn))
        return user.role if user else None

    def add_portfolio(self, member_urn: str, *, accounts: int, segments_per_account: int) -> list[int]:
        """Benchmark data: N ACTIVE accounts the member manages, M segments and a few campaigns in
        each; the member joins the people who may sign in on the consent screen."""
        member = self.member(member_urn)
        if member is not None and member not in self.demo_members:
            self.guests.append(member)
        made = add_portfolio(self.segments, self.settings.partner_source_platform, self.ad_accounts,
                             self.account_users, member_urn, seed=self.seed, now=self.clock.now_ms(),
                             accounts=accounts, segments_per_account=segments_per_account)
        rng = random.Random(f"portfolio-campaigns:{self.seed}:{member_urn}:{len(self.campaigns)}")
        for account_id in made:
            add_campaigns(self.campaigns, rng, account_id, self.segments.of_account(account_id),
                          status_of=self.segment_status, now=self.clock.now_ms(),
                          archive_ms=Lifetimes.of(self.settings).archive_ms)
        self._live = self.campaigns.live_ad_segments()
        return made

    # -- segments --------------------------------------------------------------------------
    def now_ms(self) -> int:
        return self.clock.now_ms()

    def segment_json(self, segment: Segment) -> dict[str, Any]:
        """A segment as GET /rest/dmpSegments returns it, as of the sandbox's now."""
        self._mark_used(segment)
        return segment.to_api(self.clock.now_ms(), self.settings)

    def segment_status(self, segment: Segment) -> str:
        self._mark_used(segment)
        return segment.status(self.clock.now_ms(), Lifetimes.of(self.settings))

    def _mark_used(self, segment: Segment) -> None:
        """An ACTIVE campaign targets it: LinkedIn counts that as use, so it is used now."""
        if segment.ad_segment_id in self._live:
            segment.last_used_ms = max(segment.last_used_ms, self.clock.now_ms())

    def create_segment(
        self, *, account_id: int, name: str, type: str, source_platform: str,
        source_segment_id: str | None = None, description: str | None = None, access_policy: str | None = None,
    ) -> Segment:
        """A new segment, BUILDING for `segment_build_seconds`, its /users and /companies
        hidden for `segment_visibility_delay_seconds` (linkedin-api.md §5.1)."""
        now = self.clock.now_ms()
        settings = self.settings
        segment_id, ad_segment_id = self.segments.created_ids()
        segment = Segment(
            id=segment_id, account_id=account_id, name=name, type=type, source_platform=source_platform,
            ad_segment_id=ad_segment_id, created_ms=now, ready_ms=now + settings.segment_build_seconds * 1000,
            source_segment_id=source_segment_id, description=description, access_policy=access_policy,
            visible_ms=now + int(settings.segment_visibility_delay_seconds * 1000),
        )
        segment.pending, segment.pending_ms = segment.counts(), segment.ready_ms
        return self.segments.add(segment)

    def membership(self, segment: Segment) -> UserMembership | CompanyMembership:
        """The segment's stored members, created on first write."""
        if segment.members is None:
            if segment.type.startswith("COMPANY"):
                companies = self.companies
                segment.members = CompanyMembership(targetable_members=lambda c: companies[c].targetable)
            else:
                segment.members = UserMembership(targetable=self.matcher.targetable)
        return segment.members

    def members_changed(self, segment: Segment) -> None:
        """Members were added or removed just now: the segment goes UPDATING (or keeps
        BUILDING) and its counts are recomputed when that ends."""
        segment.changed(self.clock.now_ms(), update_ms=self.settings.segment_update_seconds * 1000)

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
            "companies": len(self.companies),
            "ad_accounts": len(self.ad_accounts),
            "segments": len(self.segments),
            "campaigns": len(self.campaigns),
            "tokens": [g.summary(now) for g in self.tokens.grants.values()],
            "faults": self.faults.to_json(),
        }
