"""Closed tabs: a session disconnected for the grace period is closed once, a connected one never."""

from __future__ import annotations

import weakref

import pytest

from ui import closed_tabs


class Runtime:
    """The two calls the sweep makes of Streamlit's runtime, over a set of connected sessions."""

    def __init__(self, connected: set[str]) -> None:
        self.connected = connected
        self.closed: list[str] = []

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.connected

    def clear_user_info_for_session(self, session_id: str) -> None:
        self.closed.append(session_id)


@pytest.fixture(autouse=True)
def fresh():
    closed_tabs.forget_all()
    yield
    closed_tabs.forget_all()


def test_a_session_gone_for_the_grace_period_is_closed_once_and_memory_given_back():
    runtime, gave = Runtime({"a", "b"}), []
    for sid in ("a", "b"):
        closed_tabs.remember(sid)
    assert closed_tabs.sweep(runtime, 0.0, grace=30, on_closed=lambda: gave.append(1)) == []
    runtime.connected.discard("b")  # b's tab closed
    assert closed_tabs.sweep(runtime, 5.0, grace=30, on_closed=lambda: gave.append(1)) == []  # first seen gone
    assert closed_tabs.sweep(runtime, 34.0, grace=30, on_closed=lambda: gave.append(1)) == []  # 29 s
    assert closed_tabs.sweep(runtime, 35.0, grace=30, on_closed=lambda: gave.append(1)) == ["b"]
    assert closed_tabs.sweep(runtime, 90.0, grace=30, on_closed=lambda: gave.append(1)) == []
    assert runtime.closed == ["b"] and gave == [1]


def test_a_session_that_comes_back_within_the_grace_period_is_kept():
    runtime = Runtime({"a"})
    closed_tabs.remember("a")
    runtime.connected.clear()
    closed_tabs.sweep(runtime, 0.0, grace=30, on_closed=lambda: None)
    runtime.connected.add("a")  # the connection dropped for a moment and came back
    closed_tabs.sweep(runtime, 20.0, grace=30, on_closed=lambda: None)
    runtime.connected.clear()  # gone again: the grace period starts over
    assert closed_tabs.sweep(runtime, 40.0, grace=30, on_closed=lambda: None) == []
    assert closed_tabs.sweep(runtime, 69.0, grace=30, on_closed=lambda: None) == []
    assert closed_tabs.sweep(runtime, 70.0, grace=30, on_closed=lambda: None) == ["a"]


def test_outside_a_server_nothing_is_watched():
    closed_tabs.watch()  # no script run context here (as in AppTest's bare imports): a no-op
    assert closed_tabs._sessions == {} and closed_tabs._thread is None


def test_a_closed_sessions_values_are_let_go_even_while_the_session_is_still_referenced():
    """Issue 16, goal 1: Streamlit's runtime loop keeps the last session it served referenced (its
    loop variable) until another connects, so closing alone left a closed tab's table and file in
    memory; the values of a closed session's state go, a connected session's stay."""
    from streamlit.runtime.state.safe_session_state import SafeSessionState
    from streamlit.runtime.state.session_state import SessionState

    class Table:  # something a session holds, whose end can be seen
        pass

    states, held = {}, {}
    for sid in ("gone", "here"):
        inner = SessionState()
        first = SafeSessionState(inner, lambda: None)  # Streamlit wraps a session's state anew each run
        held[sid] = Table()
        first["sync.users.loaded"], first["users_how"] = held[sid], "Upload a file"
        closed_tabs.remember(sid, first)
        states[sid] = SafeSessionState(inner, lambda: None)  # the latest run's
        closed_tabs.remember(sid, states[sid])
        del first
    ends = {sid: weakref.ref(table) for sid, table in held.items()}
    del held
    runtime = Runtime({"here"})
    closed_tabs.sweep(runtime, 0.0, grace=30, on_closed=lambda: None)
    assert closed_tabs.sweep(runtime, 30.0, grace=30, on_closed=lambda: None) == ["gone"]
    assert states["gone"].filtered_state == {}  # the session object itself is still referenced here
    assert ends["gone"]() is None
    assert set(states["here"].filtered_state) == {"sync.users.loaded", "users_how"}
    assert ends["here"]() is not None
