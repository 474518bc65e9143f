"""Job: one upload run a browser session is looking after, and what it needs to carry on.

The run id (the run itself lives in the store), the segment, and the prepared table that
can build its elements (kept in ``st.session_state``, never on disk). Apart from
``ui.sending``, which sends it, and ``ui.results_view``, which shows how it went, so that
neither of the two needs the other's module to name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linkedin.api.waits import Wait
from linkedin.sync.upload import Target
from linkedin.tables.prepared import Prepared


@dataclass
class Job:
    """One upload run this session looks after, and what it needs to carry on."""

    run_id: str
    kind: str
    target: Target
    prepared: Prepared | None  # None: resumed without the table (removals from the ledger only)
    source: str  # the table's name, for captions
    active: bool = True  # send on the next script run
    stop: bool = False  # the analyst pressed Stop: end after the batch on its way
    result_cache: tuple[float, tuple] | None = field(default=None, repr=False)
    segment_read: tuple[str, object] | None = None  # ("ok", Segment) | ("gone", None) | ("error", text)
    pauses: list[Wait] = field(default_factory=list)  # each wait of the run, as it started (waits.summary)
