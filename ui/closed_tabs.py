"""Closed tabs: a session whose browser is gone is shut down after ``GRACE`` seconds, not two minutes later.

Streamlit keeps a disconnected session (its ``st.session_state``: a loaded table, a prepared
one, uploaded files) for ``server.disconnectedSessionTTL`` seconds (120 by default) so that a
tab whose connection dropped for a moment can resume it. The store that keeps them expires
entries lazily, only when another session is written to it, and an entry that expires that
way is dropped without its session being shut down (its uploaded files stay). A team server
whose analysts close tabs after a 1M-row upload would hold each one's memory for minutes
(issue 16: memory must come back within a minute of a closed tab).

So every script run names its session here (``watch``), and one daemon thread looks every
``PERIOD`` seconds: a named session that is no longer connected is closed after ``GRACE``
seconds through Streamlit's own thread-safe path for a session that must not resume
(``Runtime.clear_user_info_for_session``, the logout path: it marks the session
non-resumable, then shuts it down on the event loop, which drops its state and its uploaded
files), what the session held is let go (below), and the freed memory is given back
(``ui.memory``). A connection that returns within the grace period resumes its session as
before; after it, the tab starts a new session (the same as a reload). The grace period is
below Streamlit's TTL, which stays as the fallback.

Closing is not enough to free a session's memory. Streamlit's runtime loop iterates over the
connected sessions and keeps its loop variable bound to the last one it visited until it visits
another. So the last analyst to leave a server stays referenced, with the 1M-row table and the
uploaded file still in that session's state, until someone else connects: 503-519 MiB over idle
a minute after the tab closed. So ``watch`` also keeps a weak reference to each session's state
(as its latest script run wraps it), and a closed session's values are deleted from it, the
uploader's file among them, before it is shut down.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any, Callable, Protocol

from ui import memory, startup

log = logging.getLogger(__name__)

GRACE = 30.0  # seconds a disconnected session may come back
PERIOD = 5.0  # seconds between two looks

_lock = threading.Lock()
_sessions: dict[str, float | None] = {}  # session id -> when first seen disconnected (None: connected)
_states: dict[str, weakref.ref] = {}  # session id -> its session state (Streamlit's ``SafeSessionState``)
_thread: threading.Thread | None = None


class Sessions(Protocol):
    """What the sweep needs of Streamlit's runtime (``streamlit.runtime.Runtime``)."""

    def is_active_session(self, session_id: str) -> bool: ...

    def clear_user_info_for_session(self, session_id: str) -> None: ...


def sweep(runtime: Sessions, now: float, *, grace: float = GRACE,
          on_closed: Callable[[], None] = memory.give_back_soon) -> list[str]:
    """One look: close the sessions disconnected for ``grace`` seconds; returns their ids."""
    closed = []
    with _lock:
        for sid, since in list(_sessions.items()):
            if runtime.is_active_session(sid):
                _sessions[sid] = None
            elif since is None:
                _sessions[sid] = now
            elif now - since >= grace:
                del _sessions[sid]
                closed.append((sid, _states.pop(sid, None)))
    for sid, state in closed:
        if state is not None:  # first: the shutdown drops the last script run, and its state's wrapper
            _let_go(state())
        runtime.clear_user_info_for_session(sid)
    if closed:
        log.info("closed %d session(s) whose tab was gone for %.0f s", len(closed), grace)
        on_closed()
    return [sid for sid, _ in closed]


def _let_go(state: Any) -> None:
    """Delete every value of a closed session's ``state`` (its own and its keyed widgets'): the
    session object may stay referenced for a while, what it held does not."""
    if state is None:
        return
    try:
        keys = list(state.filtered_state)
    except Exception as err:  # a changed Streamlit: the session goes when nothing references it
        log.debug("closed session's state unreadable: %s", err)
        return
    for key in keys:
        try:
            del state[key]
        except Exception as err:  # already gone, or a value Streamlit will not delete
            log.debug("closed session's %r kept: %s", key, err)


def remember(session_id: str, state: Any = None) -> None:
    """Name a session whose memory should go soon after its tab does; ``state`` is its session
    state as this script run has it (held weakly; Streamlit wraps the session's state anew for
    each run, so the latest is kept), whose values are deleted when the session is closed."""
    with _lock:
        _sessions.setdefault(session_id, None)
        if state is not None:
            _states[session_id] = weakref.ref(state)


def forget_all() -> None:
    """Forget every named session (tests)."""
    with _lock:
        _sessions.clear()
        _states.clear()


def watch() -> None:
    """Name this script run's session and make sure the sweeping thread runs (once per process)."""
    global _thread
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not startup.serving():
        return  # a bare import, or AppTest (its runtime is a stand-in): no server, no tabs
    remember(ctx.session_id, ctx.session_state)
    with _lock:
        if _thread is not None:
            return
        runtime = Runtime.instance()
        _thread = threading.Thread(target=_loop, args=(runtime,), name="closed-tabs", daemon=True)
        _thread.start()


def _loop(runtime: Sessions) -> None:
    while True:
        time.sleep(PERIOD)
        try:
            sweep(runtime, time.monotonic())
        except Exception:  # a changed runtime must not end the thread silently: say so, keep looking
            log.exception("closed-tab sweep failed")
