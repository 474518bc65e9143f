"""Once per server process: load what the pages need, then take it out of the garbage collector's
sight; and an uploaded file handed to each script run without a copy of its bytes.

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

``share_uploaded_bytes``: Streamlit gives each script run a deep copy of every widget's value
(``SessionState.register_widget``, so that a page cannot change the stored value), and an
uploaded file is a ``BytesIO`` whose deep copy copies its bytes. With a 66 MB file in the
uploader, every run of the page copied 66 MB before the uploader returned (35-43 ms in the
running server, marks around ``st.file_uploader``; 48 ms alone), and the copy was what the
page read and kept while the original stayed in Streamlit's file store: two of each file per
session. The bytes are immutable, so a copy that shares them is as safe: a new ``UploadedFile``
over the same bytes (its own read position, nothing copied until something writes to it,
which ``BytesIO`` does on its first write).
"""

from __future__ import annotations

import gc
import importlib
import threading
from copy import deepcopy

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


def share_uploaded_bytes() -> bool:
    """From now on a deep copy of an ``UploadedFile`` shares its bytes (the why: the module's
    docstring). Idempotent; returns True when this call made the change."""
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    with _lock:
        if "__deepcopy__" in UploadedFile.__dict__:
            return False
        UploadedFile.__deepcopy__ = _shared_copy
        return True


def _shared_copy(self, memo: dict):
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    copy = UploadedFile(UploadedFileRec(self.file_id, self.name, self.type, self.getvalue()),
                        deepcopy(self._file_urls, memo))
    copy.seek(self.tell())
    memo[id(self)] = copy
    return copy


def serving() -> bool:
    """True in a Streamlit server's process; False in a bare import and under AppTest, whose
    runtime is a stand-in inside the test's own process (where a process-wide choice made for
    the server would follow every later test)."""
    from streamlit.runtime import Runtime

    return Runtime.exists() and type(Runtime.instance()) is Runtime
