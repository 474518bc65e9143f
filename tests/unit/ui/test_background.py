"""ui.background.Work: a call on a thread of its own, waited for by the script in slices it may be stopped at."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from ui import background, memory
from ui.background import Work


class Stopped(Exception):
    """What Streamlit raises in the script when a run is stopped (a click, another page)."""


def test_wait_shows_the_status_until_the_call_ends_and_returns_its_result():
    go = threading.Event()

    def call(say):
        say("Checking 3 rows of a.csv…")
        go.wait(5)
        return 42

    work = Work(call, "Reading a.csv…")
    shown, looks = [], []

    def look():
        looks.append(1)
        if len(looks) == 3:
            go.set()

    assert work.wait(shown.append, slice=0.01, checkpoint=look) == 42
    assert shown in (["Reading a.csv…", "Checking 3 rows of a.csv…"], ["Checking 3 rows of a.csv…"])
    assert len(looks) >= 3  # drawn once a status, looked at every slice


def test_a_stopped_wait_leaves_the_call_running_and_a_later_wait_gets_its_result():
    go = threading.Event()
    work = Work(lambda say: go.wait(5) and "done", "working")

    def stop():
        raise Stopped

    with pytest.raises(Stopped):
        work.wait(lambda text: None, slice=0.01, checkpoint=stop)
    assert not work.done()
    go.set()
    assert work.wait(lambda text: None, slice=0.01, checkpoint=lambda: None) == "done"


def test_the_calls_exception_is_raised_in_the_waiting_script():
    def call(say):
        raise ValueError("bad row 3")

    with pytest.raises(ValueError, match="bad row 3"):
        Work(call, "working").wait(lambda text: None, slice=0.01, checkpoint=lambda: None)


def test_an_abandoned_work_keeps_nothing_and_gives_the_memory_back(monkeypatch):
    given = []
    monkeypatch.setattr(memory, "give_back", lambda: given.append("now"))
    monkeypatch.setattr(memory, "give_back_soon", lambda: given.append("soon"))
    go = threading.Event()

    class Big:
        pass

    made = []

    def call(say):
        made.append(weakref.ref(big := Big()))
        go.wait(5)
        return big

    work = Work(call, "working")
    while not made:
        pass
    work.abandon()
    go.set()
    work._thread.join(5)
    gc.collect()
    assert (made[0]() is None, given, work.done()) == (True, ["now"], True)


def test_a_finished_work_waits_for_nothing():
    assert Work.finished("r").wait(lambda text: pytest.fail("shown"), slice=0.01) == "r"
    with pytest.raises(KeyError):
        Work.finished(error=KeyError("k")).result()


def test_the_slice_is_short_enough_for_a_click():
    assert background.SLICE <= 0.2
