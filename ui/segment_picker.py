"""Step 3: the ad account (one where the member may manage audiences) and the segment.

Existing segments of the right type (USER for people, COMPANY for companies) or a new
one, created with an explicit button; LinkedIn needs a few seconds before a new segment
takes members, which the sync waits out (``Target.created_at``).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from linkedin.api import segment_creation, segment_numbers, segments
from linkedin.api.accounts import CLOSED_STATUSES, Account
from linkedin.api.connection import Connection
from linkedin.api.errors import LinkedInError
from linkedin.insights import portfolio
from linkedin.sync.upload import Target
from ui import reconnect
from ui.format import plain

NEW = 0  # the "Create a new segment" choice (LinkedIn's segment ids are positive)
PREFILL = "sync.prefill"  # {kind: {"account": urn, "segment": id}}: set by other pages and by Create
NOTE = "sync.created_note"


@dataclass(frozen=True)
class Choice:
    """A segment the analyst can pick."""

    id: int
    name: str
    status: str | None
    audience: int | None
    ready: bool
    label_extra: str = ""
    ad_segment_urn: str | None = None  # what campaigns target (None until LinkedIn assigns it)

    def label(self) -> str:
        size = f" · {self.audience:,} members" if self.audience is not None else ""
        return f"{self.name} · {self.id} · {self.status or 'new'}{size}{self.label_extra}"


def created() -> dict[int, segment_creation.Created]:
    """Segments created in this session, by id (LinkedIn may take a moment to list them)."""
    return st.session_state.setdefault("sync.created", {})


def prefill(kind: str, *, account: str | None = None, segment: int | None = None) -> None:
    """Have the page open on this account and segment (consumed by the next ``pick``)."""
    st.session_state.setdefault(PREFILL, {})[kind] = {"account": account, "segment": segment}


def _account_label(a: Account) -> str:
    status = "" if a.status == "ACTIVE" else f" · {a.status}"
    note = "" if a.can_manage else " · closed" if a.status in CLOSED_STATUSES else f" · {a.role}: cannot manage audiences"
    return f"{a.label}{status}{note}"


def _refusal(a: Account) -> str:
    if a.status in CLOSED_STATUSES:
        return (f"**{plain(a.label)} is {plain(a.status)}.** LinkedIn serves no campaign from a closed account, so "
                "its audiences cannot be created or changed. Pick an open account.")
    if a.role == "VIEWER":
        return (f"**You are VIEWER on {plain(a.label)}.** A viewer can read its audiences but not create or change them. "
                "Pick an account where your role is Campaign Manager or higher, or ask an account manager for one.")
    return (f"**Your role on {plain(a.label)} is {plain(a.role)}**, which LinkedIn does not let manage audiences here. "
            "Pick another account.")


def pick(kind: str, conn: Connection) -> Target | None:
    """The account and segment chosen (a Target), or None while there is nothing usable to choose."""
    try:
        listing, _ = portfolio.accounts_of(conn)
    except LinkedInError as err:
        reconnect.failed(err, "The ad accounts could not be read.")
        return None
    if not listing.accounts:
        st.info("**You have no ad accounts on LinkedIn yet**, so there is no segment to send to. Create one in "
                "Campaign Manager or ask to be added to one.", icon=":material/account_balance:")
        return None
    if listing.viewer_only and any(a.role != "VIEWER" for a in listing.accounts):
        st.warning("**None of your ad accounts can take audiences**: "
                   + plain("; ".join(a.refusal or "" for a in listing.accounts)) + ". The quality report and the "
                   "template export above still work.", icon=":material/block:")
        return None
    if listing.viewer_only:
        st.warning("**You are VIEWER on every ad account**, so you cannot create or change audiences "
                   f"({plain(', '.join(a.label for a in listing.accounts))}). Ask an account manager for a Campaign Manager "
                   "(or higher) role. The quality report and the template export above still work.",
                   icon=":material/visibility:")
        return None
    # Another page asked for a segment, else the last choice (widget state goes when the page is left).
    wanted = st.session_state.get(PREFILL, {}).pop(kind, None)
    last = st.session_state.setdefault(f"sync.{kind}.last", {})
    if wanted is None and f"{kind}_account" not in st.session_state:
        wanted = dict(last)
    ordered = [*listing.manageable, *(a for a in listing.accounts if not a.can_manage)]
    by_urn = {a.urn: a for a in ordered}
    key = f"{kind}_account"
    if wanted and wanted.get("account") in by_urn:
        st.session_state[key] = wanted["account"]
    if st.session_state.get(key) not in by_urn:
        st.session_state[key] = ordered[0].urn
    urn = st.selectbox("Ad account", list(by_urn), key=key, format_func=lambda u: _account_label(by_urn[u]))
    account = by_urn[urn]
    last["account"] = urn
    others = [a for a in ordered if not a.can_manage]
    if others:
        st.caption("Not manageable: " + plain("; ".join(f"{a.label} ({a.status})" if a.status in CLOSED_STATUSES
                                                         else f"{a.label} ({a.role}: read only)" if a.role == "VIEWER"
                                                         else f"{a.label} ({a.role})" for a in others)) + ".")
    if not account.can_manage:
        st.error(_refusal(account), icon=":material/block:")
        return None
    if account.status not in ("ACTIVE", "DRAFT"):
        st.warning(f"{plain(account.label)} is {plain(account.status)}: LinkedIn may refuse changes to its "
                   "audiences.")

    try:
        pf = portfolio.portfolio_of(conn, account_urns=[urn])
    except LinkedInError as err:
        reconnect.failed(err, f"The segments of {plain(account.label)} could not be read.")
        return None
    for problem in (p.error for p in pf.parts if p.error):
        st.error(plain(problem))
    wanted_type = segment_creation.SEGMENT_TYPES[kind]
    listed = [s for _, s in pf.items() if s.type == wanted_type]
    # Uploadable targets only: LinkedIn's predictive audiences and other tools' segments take no upload from here.
    foreign = [s for s in listed if s.upload_refusal]
    listed = [s for s in listed if not s.upload_refusal]
    closed = [s for s in listed if s.status in segment_numbers.UNUSABLE]
    choices = {s.id: Choice(s.id, s.name, s.status, s.audience_size, s.readiness.ready,
                            " · created by this app" if s.ours else "", s.destination_segment_urn)
               for s in listed if s.status not in segment_numbers.UNUSABLE}
    for c in created().values():  # just created: the list may not show it yet
        if c.account_urn == urn and c.id not in choices and c.type == wanted_type:
            choices[c.id] = Choice(c.id, c.name, None, None, False, " · just created")

    seg_key = f"{kind}_segment"
    if wanted and wanted.get("segment") in choices:
        st.session_state[seg_key] = wanted["segment"]
    if st.session_state.get(seg_key) not in (NEW, *choices):
        st.session_state[seg_key] = NEW
    what = "people (USER)" if kind == "users" else "companies (COMPANY)"
    note = st.session_state.pop(NOTE, None)
    if note:
        st.success(note, icon=":material/check_circle:")
    choice = st.selectbox(f"Segment of {what}", [NEW, *choices], key=seg_key,
                          format_func=lambda i: "+ Create a new segment" if i == NEW else choices[i].label())
    last["segment"] = choice
    if closed:
        st.caption(f"{len(closed)} segment(s) not offered: " + plain(", ".join(f"{s.name} ({s.status})"
                                                                               for s in closed[:5]))
                   + (" …" if len(closed) > 5 else "") + ". LinkedIn no longer takes members there.")
    if foreign:
        st.caption(f"{len(foreign)} more not offered, since this app cannot upload to them: "
                   + plain("; ".join(f"{s.name}, {s.upload_refusal}" for s in foreign[:5]))
                   + (" …" if len(foreign) > 5 else "") + ".")
    if choice == NEW:
        _create(kind, conn, account)
        return None
    picked = choices[choice]
    just = created().get(picked.id)
    return Target(picked.id, picked.name, urn, kind, created_at=just.created_at if just else None,
                  audience_size=picked.audience, live=picked.ready, account=account,
                  ad_segment_urn=picked.ad_segment_urn)


def _create(kind: str, conn: Connection, account: Account) -> None:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.text_input("Name of the new segment", key=f"{kind}_new_name", max_chars=segment_creation.NAME_MAX,
                           placeholder="e.g. Webinar attendees 2026")
    if right.button("Create segment", key=f"{kind}_create", type="primary", icon=":material/add:"):
        try:
            with st.spinner("Creating the segment on LinkedIn…"):
                made = segment_creation.create(conn.client(), account=account, name=name, kind=kind)
        except ValueError as err:
            st.error(plain(err))
            return
        except LinkedInError as err:
            reconnect.failed(err, "LinkedIn did not create the segment.")
            return
        created()[made.id] = made
        prefill(kind, account=account.urn, segment=made.id)
        portfolio.CACHE.forget(portfolio.member_key(conn))  # the dashboard and this list show it next time
        st.session_state[NOTE] = (f"Segment “{plain(made.name)}” created ({made.id}). LinkedIn needs a few seconds before "
                                  "it takes members: the upload waits for that.")
        st.rerun()
    st.caption("The segment is created in the account above when you press Create; then choose what to send.")
