"""Work a session runs off Streamlit's script thread, and the script's wait for it.

Why it is apart: reading and checking a million-row table takes a second or more. Done on the
script thread, nothing else of the page happens meanwhile: a click, or a visit to another page
of the app, waits for the call to end (Streamlit stops a run only between two of its
commands), and the result is lost when the run is stopped. A ``Work`` runs one call on a
thread of its own. The script keeps the ``Work`` in the session's state, shows what is under
way, and ``wait`` returns the call's result, looking at the session's state every ``SLICE``
seconds: each look is a point where Streamlit may stop the run (a click, another page), and
sends nothing to the browser (the note is drawn again only when the work's status changes,
so the browser is not handed the same note ten times a second while the work needs the
CPU). The call carries on meanwhile, and the next run finds the ``Work`` in the session's
state and waits for the rest.

What it never does: share a thread, a result or a queue between sessions (a ``Work`` lives in
one session's state, never in a cache); call Streamlit from the thread; cancel a call (an
abandoned ``Work`` runs to its end, then lets its result go and gives the memory back, as
``ui.memory`` does for a dropped table).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

import streamlit as st

from ui import memory

SLICE = 0.1  # seconds between two looks at the session's state: how long a click waits at most
_LOOK = "ui.background.look"  # a key never set: reading it is the look


class Work:
    """One call, ``call(say)``, on a thread of its own; ``say(text)`` tells the page what it is doing."""

    def __init__(self, call: Callable[[Callable[[str], None]], Any], status: str, *, name: str = "work") -> None:
        self.status = status
        self._call: Callable | None = call
        self._result: Any = None
        self._error: BaseException | None = None
        self._abandoned = False
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @classmethod
    def finished(cls, result: Any = None, error: BaseException | None = None) -> Work:
        """A work already done (what a ``wait`` of it returns or raises), without a thread."""
        work = cls.__new__(cls)
        work.status, work._call, work._result, work._error = "", None, result, error
        work._abandoned, work._lock, work._done = False, threading.Lock(), threading.Event()
        work._done.set()
        return work

    def _say(self, text: str) -> None:
        self.status = text

    def _run(self) -> None:
        call, self._call = self._call, None
        try:
            result, error = call(self._say), None
        except BaseException as err:  # raised again in the script by ``wait``
            result, error = None, err
        del call  # the thread keeps nothing of the call once done (its table, its bytes)
        with self._lock:
            if self._abandoned:
                del result, error
            else:
                self._result, self._error = result, error
                result = error = None
            self._done.set()
            abandoned = self._abandoned
        if abandoned:
            memory.give_back()

    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> Any:
        """The call's return value, or its exception raised again; only once ``done``."""
        if self._error is not None:
            raise self._error
        return self._result

    def wait(self, show: Callable[[str], None], slice: float = SLICE,
             checkpoint: Callable[[], object] = lambda: st.session_state.get(_LOOK)) -> Any:
        """Show the status, and again each time it changes, until the call ends (nothing when it
        has ended); its result.

        Every ``slice`` seconds ``checkpoint`` runs: a read of the session's state, where
        Streamlit stops this run if asked to (each access to it checks for a stop or rerun
        request), leaving the work to go on."""
        if not self._done.is_set():
            shown = self.status
            show(shown)
            while not self._done.wait(slice):
                if self.status != shown:
                    shown = self.status
                    show(shown)
                checkpoint()
        return self.result()

    def abandon(self) -> None:
        """Nobody will ask for the result: drop it, now or when the call ends, and give the memory back."""
        with self._lock:
            self._abandoned = True
            self._result = self._error = None
            running = not self._done.is_set()
        if not running:
            memory.give_back_soon()
