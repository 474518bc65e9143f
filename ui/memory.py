"""Give a dropped table's memory back to the operating system, when a session lets go of one.

A session's prepared table of a million rows is hundreds of MB, in pyarrow's memory pool and in
glibc's heap (Python objects, numpy arrays). Freed, it stays with the process: pyarrow's pool
keeps what it freed for later allocations, and glibc returns the top of its heap only, so a
server that prepared one large upload would keep its peak for good (issue 16: 1.4 GB after a
1M-row upload). When a session drops such a table (the file is cleared, another replaces it, a
closed tab is shut down) ``give_back`` asks both, explicitly, once: a collection for what a
cycle still holds, ``release_unused`` for pyarrow's pool, ``malloc_trim`` for glibc's free
pages. It takes a few ms to tens of ms, so it runs when work is dropped, never per script run.

One choice is made for the server's whole process, once, at start-up (``arrow_on_malloc``):
pyarrow's buffers come from glibc's malloc (pyarrow's "system" pool) instead of its bundled
mimalloc. mimalloc keeps freed pages in the heap of the thread that used them; a table is read
and prepared by Arrow's pool threads and a session's work thread, and ``release_unused`` from
another thread does not reach those heaps: a minute after a 1M-row file was cleared, 289 MiB
stayed resident in mimalloc's arena (404 MiB over the idle server in all; 147 MiB with the
system pool, whose free pages ``malloc_trim`` returns from every thread's arena). The same run
showed the report sooner, since a fresh process's first large table no longer pays mimalloc's
first commits (bench/README.md, issue 16). No allocator is tuned: no environment variable,
threshold or arena setting changes; only which of pyarrow's own pools is the default.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading

import pyarrow as pa

log = logging.getLogger(__name__)

_lock = threading.Lock()


def _libc():
    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return lib if lib is not None and hasattr(lib, "malloc_trim") else None  # glibc only (not musl)


_LIBC = _libc()


def give_back() -> None:
    """Collect, then hand pyarrow's and glibc's free memory back to the system (thread-safe)."""
    with _lock:
        gc.collect()
        try:
            pa.default_memory_pool().release_unused()
        except Exception as err:  # an allocator without it: nothing to give back this way
            log.debug("pyarrow pool release: %s", err)
        if _LIBC is not None:
            _LIBC.malloc_trim(0)


def arrow_on_malloc() -> bool:
    """From now on, pyarrow's new buffers come from glibc's malloc (its "system" pool), so that
    ``give_back`` can return them whichever thread used them (see the module's docstring).

    For the app's server process only (its script calls it at every run; the first sets it):
    buffers already made keep the pool they came from. Returns False, changing nothing, where the C library is not glibc (no
    ``malloc_trim`` to give the pages back: pyarrow's default stays)."""
    if _LIBC is None:
        return False
    if pa.default_memory_pool().backend_name != "system":  # the app's script calls it at every run
        pa.set_memory_pool(pa.system_memory_pool())
    return True


def rss_mib() -> float:
    """This process's resident memory in MiB (Linux /proc), for logs and tests; 0.0 elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


_pending: threading.Timer | None = None
SOON = 2.0  # seconds: Streamlit lets go of a script run's widgets' data (download callables) after the run


def give_back_soon(delay: float = SOON) -> None:
    """``give_back`` once Streamlit has ended the current script run (one pending call at most).

    What a session drops inside a script run is still referenced by that run's widgets until
    Streamlit cleans them up after it (a download button's deferred callable holds its table)."""
    global _pending
    with _lock:
        if _pending is not None and _pending.is_alive():
            return
        _pending = threading.Timer(delay, give_back)
        _pending.daemon = True
        _pending.start()
