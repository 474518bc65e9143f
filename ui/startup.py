"""Once per server process: load what the pages need, then take it out of the garbage collector's sight.

Python's cyclic garbage collector, in a full collection, walks every tracked object of the
process. The app's server holds ~140,000 of them once Streamlit, pandas, pyarrow, plotly and
our modules are loaded, and a full collection walks them all: tens to hundreds of ms, with
the GIL held, so every analyst's page waits. Building LinkedIn's batch elements (a dict and
a list per contact) brings a full collection every few batches: a 1,000,000-row upload
paid for ~30 of them, seconds of a stalled server (``bench/collector.py``; figures in
bench/README.md).

``gc.freeze()`` moves the objects alive now (modules, classes, functions: they live as long
as the process) to a generation the collector never walks. It changes no threshold and
pauses nothing: objects made later, a session's tables included, are collected as before,
and a frozen object whose last reference goes is still freed at once. So it runs once,
after the imports and one collection (import-time garbage is not kept), and it is a front
door's decision: the library never touches the collector. The CLI does the same
(``linkedin.cli``); a notebook is the analyst's process and is left alone.
"""

from __future__ import annotations

import gc
import importlib
import threading

# What the pages import, loaded at once so their objects are frozen with the rest.
MODULES = (
    "pandas", "pyarrow", "pyarrow.compute", "plotly.graph_objects", "openpyxl",
    "linkedin.tables.preparation", "linkedin.tables.exports", "linkedin.tables.templates",
    "linkedin.sync.upload", "linkedin.insights.portfolio", "linkedin.insights.charts",
    "linkedin.signoff", "ui.sync_page", "ui.results_view", "ui.quality_report", "ui.sending",
)

_lock = threading.Lock()
_frozen = False


def freeze_imports() -> bool:
    """Import ``MODULES``, collect once, freeze: the first call in the process only (thread-safe).

    Returns True when this call did it."""
    global _frozen
    with _lock:
        if _frozen:
            return False
        for name in MODULES:
            importlib.import_module(name)
        gc.collect()
        gc.freeze()
        _frozen = True
        return True


def serving() -> bool:
    """True in a Streamlit server's process; False in a bare import and under AppTest, whose
    runtime is a stand-in inside the test's own process (where a process-wide choice made for
    the server would follow every later test)."""
    from streamlit.runtime import Runtime

    return Runtime.exists() and type(Runtime.instance()) is Runtime
