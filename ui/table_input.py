"""Step 1: bring a table (upload or paste), see how its columns map, fix the mapping, prepare it.

The table read, the table prepared, the mapping and the options stay in ``st.session_state``
(memory only, under this page's own keys: Streamlit drops a widget's state when another page
is opened) so that reruns, and coming back to the page, cost nothing and lose nothing.

A new file is read, and prepared with the mapping guessed and the options chosen (what the
page would ask for next), off the script thread (``ui.background.Work``, kept in the
session's ``Loaded``): the page says "Checking N rows" at once (N from a count of line
breaks, before the file is read), the report follows the reading with no script run in
between, and a click or another page stops the run, not the work: the next run picks the
result up. A preparation after a change of mapping or options runs in the script, as before
(off the thread, one e2e test lost an option clicked during it now and then under load:
two in nine runs, against none of nine in the script; not understood yet).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

import streamlit as st

from linkedin.tables import columns as columns_mod, preparation, reader
from linkedin.tables.columns import ColumnMap
from linkedin.tables.preparation import NothingToSend
from linkedin.tables.prepared import Prepared
from linkedin.tables.table import Table, TableError
from ui import quality_report, samples, session
from ui.background import Work
from ui.format import plain

log = logging.getLogger(__name__)

NONE = ""  # "not used" in the mapping selectboxes
UPLOAD, PASTE = "Upload a file", "Paste"
TYPES = ["csv", "tsv", "txt", "xlsx"]
TEMPLATE_NAMES = {"users": "contact", "companies": "company"}
LABELS = {**columns_mod.LABELS, "email": "Email (its domain names the company)"}
EXAMPLES = {
    "users": "email,firstname,lastname\nana.silva@example.com,Ana,Silva\n...",
    "companies": "companyname,companywebsite\nContoso,contoso.com\n...",
}


@dataclass
class Loaded:
    """A table read in this session (None while it is being read), and the mapping last used with it.

    Two script runs of one session may overlap for a moment (Streamlit's fast reruns start the
    next run before the last one has stopped): each takes the reading under ``lock`` and only
    the run that still finds it there hands its result over."""

    id: str
    table: Table | None
    mapping: ColumnMap | None
    prepared_key: tuple | None = None
    prepared: Prepared | None = None
    attempted_key: tuple | None = None  # the mapping and options of the last preparation tried
    reading: Work | None = None  # reading the table (and its first preparation), until handed over
    work: Work | None = None  # the first preparation, done, until ``prepare`` takes it
    work_key: tuple | None = None  # the mapping and options ``work`` prepared with
    name: str = ""  # the file's name, shown while it is read
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False, compare=False)

    def drop_work(self) -> None:
        """Abandon what runs or waits for this table: nobody will show it."""
        with self.lock:
            for work in (self.reading, self.work):
                if work is not None:
                    work.abandon()
            self.reading = self.work = self.work_key = None


@contextmanager
def _working() -> Iterator[Callable[[str], None]]:
    """Say what is under way, at once and in words (a spinner shows only after half a second)."""
    note = st.empty()
    try:
        yield lambda text: note.info(text, icon=":material/hourglass_top:")
    finally:
        note.empty()


def _key(kind: str) -> str:
    return f"sync.{kind}.loaded"


def map_key(kind: str, field: str) -> str:
    return f"{kind}_map_{field}"


def _checking(rows: int | None, name: str) -> str:
    return f"Checking {rows:,} rows of {plain(name)}…" if rows is not None else f"Reading {plain(name)}…"


class _Unreadable(Exception):
    """The reader's own failure, apart from the preparation's (which ``prepare`` shows)."""

    def __init__(self, err: Exception) -> None:
        self.err = err


def _open(given: tuple[str, str, bytes | str], kind: str, opts: dict,
          say: Callable[[str], None]) -> tuple[Table, ColumnMap, tuple | None, Work | None]:
    """Off the script thread: read the table, guess its mapping and, unless the guess is refused
    on the page (the other kind's template), prepare it with that mapping and ``opts``.
    Returns the table, the guess, and the preparation's key and outcome (a finished ``Work``)."""
    source_id, name, data = given
    try:
        table = reader.read_text(data, name=name) if isinstance(data, str) else reader.read(data, name=name)
    except Exception as err:
        raise _Unreadable(err) from None
    say(_checking(table.num_rows, name))
    guessed = columns_mod.guess_columns(table, kind)
    if columns_mod.other_kind_template(table, kind):
        return table, guessed, None, None
    try:
        outcome = Work.finished(preparation.prepare(table, kind, mapping=guessed, **opts))
    except Exception as err:  # shown, or raised, where ``prepare`` would have met it
        outcome = Work.finished(error=err)
    return table, guessed, (source_id, guessed.pairs, *sorted(opts.items())), outcome


def _read(held: Loaded, kind: str) -> Loaded | None:
    """Wait for a new table's reading (and first preparation); a problem becomes one specific
    message (which row, what was expected)."""
    reading = held.reading
    if reading is None:  # handed over meanwhile, by an overlapping run of this session
        return held
    try:
        with _working() as show:
            table, guessed, key, outcome = reading.wait(show)
    except _Unreadable as unreadable:
        err, name = unreadable.err, held.name
        if isinstance(err, TableError):
            st.error(f"**{plain(name)} could not be read.** {plain(err)}", icon=":material/error:")
        else:  # a file no reader expected (a broken .xlsx, ...): say so, never a traceback
            log.warning("could not read an uploaded table: %s", type(err).__name__)
            st.error(f"**{plain(name)} could not be read** as a CSV or Excel .xlsx file ({type(err).__name__}). "
                     "Save it as CSV (UTF-8) or .xlsx and upload that.", icon=":material/error:")
        return None
    with held.lock:
        if held.reading is not reading:
            return held
        held.table, held.mapping, held.work, held.work_key = table, guessed, outcome, key
        held.reading = None  # last: a run that sees no reading finds the table
    for name in columns_mod.FIELDS[kind]:  # the mapping widgets start from the guess for a new table
        st.session_state[map_key(kind, name)] = guessed.get(name) or NONE
    return held


def source(kind: str, *, on_clear: Callable[[str], None] | None = None) -> tuple[str, str, bytes | str] | None:
    """(id, name, content) of what the analyst gave now, or None. ``on_clear(kind)`` runs when
    the analyst removes the file from the uploader (not when the page is opened again: that
    makes a new uploader, without a change)."""
    how = st.radio("How do you bring the table?", [UPLOAD, PASTE], horizontal=True, key=f"{kind}_how",
                   label_visibility="collapsed")
    if how == UPLOAD:
        upload = st.file_uploader(
            "CSV (any delimiter and encoding) or Excel .xlsx", type=TYPES, key=f"{kind}_file",
            help="LinkedIn's own template is recognised as is; other headers are mapped where obvious.",
            on_change=_cleared, args=(kind, on_clear),
        )
        # The sample files' offer has a place of its own, drawn empty when a file is in: the blocks
        # below then keep their places from one rerun to the next, which ``sync_page._block`` needs
        # to clear the last table's report at once (the uploader reruns once empty on a new file).
        offer = st.container()
        if upload is not None:
            return f"file:{upload.file_id}", upload.name, upload.getvalue()
        with offer:
            return samples.offer(kind, sandbox=session.settings().sandbox)
    text = st.text_area("Paste rows (with or without a header; copied from a spreadsheet works too)",
                        key=f"{kind}_paste", height=150, placeholder=EXAMPLES[kind])
    st.container()  # where the upload's sample offer is: the same places below
    if text.strip():
        return "paste:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24], "pasted text", text
    return None


def _cleared(kind: str, on_clear: Callable[[str], None] | None) -> None:
    if st.session_state.get(f"{kind}_file") is None:
        # Streamlit keeps the widget's last value (the file, its bytes) in its copy of the
        # previous run's state until the next rerun; deleting the key lets it go now. A rerun
        # asked for before a run has drawn the uploader again calls this once more, the key gone.
        st.session_state.pop(f"{kind}_file", None)
        if on_clear is not None:
            on_clear(kind)


def forget(kind: str) -> Loaded | None:
    """Drop the table loaded for this kind (and its preparation, running or done); returns what was dropped."""
    held: Loaded | None = st.session_state.pop(_key(kind), None)
    if held is not None:
        held.drop_work()
    return held


def is_new(kind: str, given: tuple[str, str, bytes | str] | None) -> bool:
    """True when ``given`` is a table this page has not read yet (everything below it starts over)."""
    held: Loaded | None = st.session_state.get(_key(kind))
    return given is not None and (held is None or held.id != given[0])


def bring(kind: str, given: tuple[str, str, bytes | str] | None) -> Loaded | None:
    """The table for this kind: new from ``source``, else the one loaded earlier in this session."""
    held: Loaded | None = st.session_state.get(_key(kind))
    if is_new(kind, given):
        # Dropped first: an assignment alone leaves the last table in Streamlit's copy of the
        # previous run's state until the next rerun; a deletion removes it from both.
        held = forget(kind)
        del held
        source_id, name, data = given
        held = Loaded(source_id, None, None, name=name)
        opts = chosen_options(kind)
        held.reading = Work(lambda say: _open(given, kind, opts, say), _checking(reader.rows_in(data), name),
                            name=f"read {kind}")
        st.session_state[_key(kind)] = held  # a run stopped while it is read finds it here
    if held is not None and held.table is None:  # being read: this run's file or an earlier run's
        held = _read(held, kind)
        if held is None:
            st.session_state[_key(kind)] = None
            return None
    if held is None:
        return None
    if given is None:
        left, right = st.columns([5, 1])
        left.caption(f"Using **{plain(held.table.source)}** ({held.table.num_rows:,} rows), loaded earlier in "
                     "this session.")
        if right.button("Clear", key=f"{kind}_clear", icon=":material/close:"):
            forget(kind)
            st.rerun()
    return held


def mapping(kind: str, loaded: Loaded) -> ColumnMap | None:
    """The detected mapping, a selectbox per LinkedIn field to fix it, and what is ignored."""
    table = loaded.table
    other = columns_mod.COMPANIES if kind == columns_mod.USERS else columns_mod.USERS
    if columns_mod.is_template(table, kind):
        st.success(f"LinkedIn's {TEMPLATE_NAMES[kind]} template recognised: every column maps as is.",
                   icon=":material/verified:")
    elif columns_mod.guess_kind(table) == other and not columns_mod.is_template(table, other):
        st.warning(f"This looks like a list of {'companies' if other == columns_mod.COMPANIES else 'people'}: "
                   f"the {'Company' if other == columns_mod.COMPANIES else 'People'} segments page takes those. "
                   "Check the mapping below if it really is this kind.", icon=":material/swap_horiz:")
    fields = columns_mod.FIELDS[kind]
    for field in fields:  # back on the page after visiting another: the mapping last used
        key = map_key(kind, field)
        if key not in st.session_state or st.session_state[key] not in (NONE, *table.columns):
            st.session_state[key] = loaded.mapping.get(field) or NONE
    with st.expander(f"Column mapping: {len([f for f in fields if st.session_state[map_key(kind, f)]])} LinkedIn "
                     f"field(s) from {len(table.columns)} column(s) of {plain(table.source)}",
                     expanded=not columns_mod.is_template(table, kind), icon=":material/table_chart:"):
        st.caption("Each LinkedIn field takes one column of your table; pick “not used” to leave a field out.")
        grid = st.columns(4)
        for i, field in enumerate(fields):
            grid[i % 4].selectbox(LABELS.get(field, field), [NONE, *table.columns], key=map_key(kind, field),
                                  format_func=lambda c: "— not used —" if c == NONE else c)
        st.caption(f"First rows of {plain(table.source)} (as read):")
        st.dataframe(table.head(5), width="stretch", key=f"{kind}_head", placeholder="n/a")
    chosen = {f: st.session_state[map_key(kind, f)] for f in fields}
    try:
        columns = ColumnMap.of(kind, chosen)
    except TableError as err:
        st.error(f"**The mapping needs fixing:** {plain(err)}. Pick a different column for one of them.",
                 icon=":material/error:")
        return None
    wrong = columns_mod.other_kind_template(table, kind)
    if wrong and columns.pairs == columns_mod.guess_columns(table, kind).pairs:  # not mapped by hand
        st.error(f"**Wrong kind of file:** {wrong}.", icon=":material/swap_horiz:")
        return None
    loaded.mapping = columns
    return columns


OPTIONS = {"fixes": True, "idfa": False, "sha512": False}  # widget name -> default


def _options_key(kind: str) -> str:
    return f"sync.{kind}.options"


def chosen_options(kind: str) -> dict:
    """The options ``options`` will return on this run, read before its widgets are drawn."""
    kept = st.session_state.get(_options_key(kind), OPTIONS)
    value = {name: bool(st.session_state.get(f"{kind}_{name}", kept.get(name, default)))
             for name, default in OPTIONS.items()}
    users = kind == columns_mod.USERS
    return {"allow_idfa": users and value["idfa"], "apply_fixes": value["fixes"],
            "also_sha512": users and value["sha512"]}


def options(kind: str) -> dict:
    """Preparation options (IDFAs are sent only when asked: LinkedIn's support is uncertain).

    Streamlit forgets a widget's value when the analyst opens another page; the choices are
    kept under this page's own key too, so coming back finds them as they were."""
    kept = st.session_state.setdefault(_options_key(kind), dict(OPTIONS))
    for name, default in OPTIONS.items():
        if f"{kind}_{name}" not in st.session_state:
            st.session_state[f"{kind}_{name}"] = kept.get(name, default)
    with st.expander("Options", icon=":material/tune:"):
        fixes = st.checkbox("Change country names and 3-letter codes to ISO 2-letter codes (e.g. Germany → DE)",
                            key=f"{kind}_fixes")
        idfa = sha512 = False
        if kind == columns_mod.USERS:
            idfa = st.checkbox("Send Apple IDFAs (LinkedIn's support of APPLE_IDFA is uncertain)", key=f"{kind}_idfa")
            sha512 = st.checkbox("Also send each plain email's SHA-512 hash (SHA512_EMAIL) besides its SHA-256",
                                 key=f"{kind}_sha512")
    kept.update(fixes=fixes, idfa=idfa, sha512=sha512)
    return {"allow_idfa": idfa, "apply_fixes": fixes, "also_sha512": sha512}


def _prepared_key(loaded: Loaded, columns: ColumnMap, opts: dict) -> tuple:
    return (loaded.id, columns.pairs, *sorted(opts.items()))


def is_prepared(loaded: Loaded, columns: ColumnMap, opts: dict) -> bool:
    """True when this table was already prepared with this mapping and these options."""
    return loaded.prepared is not None and loaded.prepared_key == _prepared_key(loaded, columns, opts)


def is_new_preparation(loaded: Loaded, columns: ColumnMap, opts: dict) -> bool:
    """True when this mapping and these options were not tried on this table last time
    (what the page shows below them is about to change)."""
    return loaded.attempted_key != _prepared_key(loaded, columns, opts)


def prepare(kind: str, loaded: Loaded, columns: ColumnMap, opts: dict) -> Prepared | None:
    """The prepared table for this mapping and these options (prepared once, kept in memory).

    A new file's first preparation comes from its reading (``bring``), done off the script
    thread; a preparation after a change of mapping or options runs here, as before."""
    key = _prepared_key(loaded, columns, opts)
    with loaded.lock:
        if is_prepared(loaded, columns, opts):
            return loaded.prepared
        work = loaded.work if loaded.work_key == key else None
        if work is None and loaded.work is not None:  # the first preparation, for another mapping
            loaded.work.abandon()
        loaded.work = loaded.work_key = None  # handed over: the work keeps nothing
    loaded.attempted_key = key
    try:
        if work is not None:
            prepared = work.result()
        else:
            with _working() as show:
                show(_checking(loaded.table.num_rows, loaded.table.source))
                prepared = preparation.prepare(loaded.table, kind, mapping=columns, **opts)
    except NothingToSend as err:  # a refusal: the report says why, and no later step is offered
        st.error(f"**Nothing can be sent:** {err}. Fix the file or the mapping above.", icon=":material/block:")
        quality_report.render(kind, None, err.quality)
        return None
    except TableError as err:
        st.error(f"**Nothing can be sent yet:** {plain(err)}. Map a column to one of these fields above.",
                 icon=":material/error:")
        return None
    loaded.prepared_key, loaded.prepared = key, prepared
    return prepared
