"""Sandbox controls: make LinkedIn expire, revoke and misbehave on demand, for demos (MA-002..MA-006)."""

import streamlit as st

from linkedin.api.errors import LinkedInError
from linkedin.demo.controls import SandboxControl
from linkedin.web import resources as context
from ui import session
from ui.format import plain

AUDIENCES = "Matched Audiences"  # the Developer Portal product that brings rw_dmp_segments

settings = session.settings()
if not context.drives_sandbox(settings, st.context.headers.get("host")):  # the frame leaves it out too
    st.error("The sandbox controls answer only on localhost, 127.0.0.1 or a host named in LINKEDIN_SANDBOX_HOSTS.")
    st.stop()
control = SandboxControl(settings.api_base_url)  # the sandbox serves every path at its root
conn = session.connection()
status = conn.status() if conn else None
token = status.token.access_token if status and status.token else None

st.title("Sandbox controls")
st.caption(
    "These buttons act on the built-in LinkedIn emulator, the way LinkedIn itself would behave: "
    "the app only notices through LinkedIn's answers."
)


def act(label: str, fn, done: str) -> None:
    try:
        fn()
        st.session_state["sandbox_note"] = done
    except LinkedInError as err:
        st.session_state["sandbox_note"] = f"Failed: {plain(err.explain())}"


st.subheader("This connection's tokens")
if token is None:
    st.info("Connect first: these controls act on your connection's tokens.")
else:
    a, b, c = st.columns(3)
    if a.button("Expire access token now", icon=":material/timer_off:"):
        act("expire", lambda: control.expire_access(token),
            "The access token expired on LinkedIn's side. The next call gets 401 (expired) and the app renews it: "
            "open Connection and press Check now.")
    if b.button("Revoke access", icon=":material/block:"):
        act("revoke", lambda: control.revoke(token),
            "Access revoked on LinkedIn's side. The next call gets 401 (revoked): only a reconnect helps.")
    if c.button("Expire refresh token now", icon=":material/hourglass_disabled:"):
        act("expire-refresh", lambda: control.expire_refresh(token),
            "The refresh token expired on LinkedIn's side: the next renewal fails and the app asks you to reconnect.")

note = st.session_state.pop("sandbox_note", None)
if note:
    st.success(note)

st.subheader("Token lifetimes and app registration")
try:
    current = control.state()
except LinkedInError as err:
    st.error(plain(err.explain()))
    st.stop()
cfg = current.get("settings", {})
with st.form("lifetimes"):
    access_ttl = st.number_input("Access token lifetime (seconds)", min_value=10, value=int(cfg.get("access_token_ttl", 5184000)))
    refresh_ttl = st.number_input("Refresh token lifetime (seconds)", min_value=10, value=int(cfg.get("refresh_token_ttl", 31536000)))
    issue_refresh = st.checkbox("Issue refresh tokens (only LinkedIn-approved partners get them)", value=bool(cfg.get("issue_refresh_tokens", True)))
    products = [p for p in cfg.get("app_products") or [] if p != AUDIENCES]
    lacking = st.checkbox("Simulate an app without the Matched Audiences product (LinkedIn then aborts the "
                          "consent that asks for rw_dmp_segments)", value=AUDIENCES not in (cfg.get("app_products") or []))
    st.caption("New lifetimes apply to tokens issued after saving: reconnect to get one (a demo uses 120 s).")
    if st.form_submit_button("Save"):
        act("settings", lambda: control.update_settings(
            access_token_ttl=int(access_ttl), refresh_token_ttl=int(refresh_ttl),
            issue_refresh_tokens=issue_refresh,
            app_products=products if lacking else [*products, AUDIENCES]),
            "Sandbox settings saved.")
        st.rerun()
if st.button("Use a 2-minute access token and a 5-minute refresh token"):
    act("demo", lambda: control.update_settings(access_token_ttl=120, refresh_token_ttl=300),
        "Saved: reconnect to get the short-lived tokens.")
    st.rerun()

st.subheader("Clock and state")
days = st.number_input("Advance LinkedIn's clock by (days)", min_value=0.0, value=1.0, step=1.0)
st.caption("Statuses move with it (builds end; 30 idle days archive a segment, 90 expire it), and LinkedIn's input "
           "and matched counts cover only the last 7 days of uploads: 8 days on, a segment not fed since shows "
           "no recent uploads while its audience stays.")
if st.button("Advance clock"):
    act("clock", lambda: control.advance_clock(days * 86400), f"The sandbox clock moved {days:g} days forward.")
    st.rerun()
if st.button("Reset the sandbox", type="secondary"):
    act("reset", control.reset, "The sandbox is back to its seeded state: every token is gone, reconnect.")
    st.rerun()
with st.expander("Sandbox state"):
    st.json({k: v for k, v in current.items() if k != "members"})
