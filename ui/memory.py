"""Give a dropped table's memory back to the operating system, when a session lets go of one.

A session's prepared table of a million rows is hundreds of MB, in pyarrow's memory pool and in
glibc's heap (Python objects, numpy arrays). Freed, it stays with the process: pyarrow's pool
keeps what it freed for later allocations, and glibc returns the top of its heap only, so a
server that prepared one large upload would keep its peak for good (issue 16: 1.4 GB after a
1M-row upload). When a session drops such a table (the file is cleared, another replaces it, a
closed tab is shut down) ``give_back`` asks both, explicitly, once: a collection for what a
cycle still holds, ``release_unused`` for pyarrow's pool, ``malloc_trim`` for glibc's free
pages. It takes a few ms to tens of ms, so it runs when work is dropped, never per script run.

Both only give back what is free where they can reach it, and a table is read and prepared by
threads (Arrow's pool, a session's work thread). So the server's process makes two choices once,
at start-up (``server_allocators``), each measured on the analyst's path
(``bench/browser_upload.py``, figures in bench/README.md, issue 16):

- pyarrow's buffers come from its bundled jemalloc instead of its default mimalloc, which
  keeps freed pages in the heap of the thread that used them, where ``release_unused`` from
  another thread does not reach: a minute after a 1M-row file was cleared, 289 MiB stayed
  resident in mimalloc's arena (404 MiB over the idle server in all). jemalloc's arenas are
  not a thread's own, and pyarrow builds it (on Linux) with a background thread that returns
  freed pages about a second after their last use (a 1M preparation's ~530 MiB within 1.2-1.4
  s of ``give_back``). Glibc's malloc (pyarrow's "system" pool: the choice until the eleventh
  session, and the fallback where a build has no jemalloc) gives memory back as well, but at
  every free: each upload then faulted its ~800 MiB in afresh, 4 KiB at a time (198,000-230,000
  page faults during a 1M report against 146,000-160,000 with jemalloc), and a second upload's
  report took 1.53-1.94x the library's ``prepare()`` against 1.45-1.57x with jemalloc;
- glibc trims a thread's heap top once 8 MiB of it are free (``M_TRIM_THRESHOLD``).
  ``malloc_trim`` returns free pages inside every heap but never a thread heap's top, and
  glibc's own threshold for that rises with its dynamic mmap threshold up to 64 MiB, a whole
  thread heap: 159-198 MiB stayed over idle with the system pool alone, 80 with both.
  Fixing one threshold ends glibc's dynamic adjustment, so the mmap threshold is fixed too, at
  32 MiB, the ceiling glibc's own rule reaches after the first large free: big buffers stay in
  the heap (left at 128 KiB, each was a fresh mapping, and the report took 2.13 s, not 1.3-1.5).
  Glibc still holds what numpy and Python allocate.

The arena counts and every other setting stay the allocators' defaults.
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


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
TRIM_FROM = 8 << 20  # free bytes at a heap's top that glibc returns at once
MMAP_FROM = 32 << 20  # buffers this large or larger get a mapping of their own
_chosen = False


def server_allocators() -> bool:
    """From now on, pyarrow's buffers come from jemalloc (glibc's malloc where pyarrow was built
    without it) and glibc trims a thread's heap top past ``TRIM_FROM``, so that ``give_back``
    returns a dropped table's memory whichever thread used it (the why and the figures: the
    module's docstring).

    For the app's server process only: its script calls this at every run, the first call
    chooses. Buffers already made keep the pool they came from. Returns False, changing nothing,
    where the C library is not glibc (no ``malloc_trim``: the defaults stay)."""
    global _chosen
    if _LIBC is None:
        return False
    with _lock:
        if not _chosen:
            pa.set_memory_pool(_server_pool())
            _LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_FROM)
            _LIBC.mallopt(M_TRIM_THRESHOLD, TRIM_FROM)
            _chosen = True
    return True


def _server_pool() -> pa.MemoryPool:
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a build without jemalloc (Windows, some conda builds)
        log.info("pyarrow has no jemalloc here: its buffers come from glibc's malloc")
        return pa.system_memory_pool()


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
