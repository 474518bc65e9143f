"""The Audiences page's two tables, the attention list and the segments, and which segment is open.

A dataframe's selection is row positions in the frame it shows, and that frame changes with
the account, the filters and a refresh: a position kept across them opens another segment.
So the open segment is kept as its id (``SELECTED``), and each table's key names the rows it
shows (their ids) and a counter: a click is read as positions in exactly those rows, and a
table is drawn anew, with the open segment's row selected wherever it is now, when its rows
change or the other table chose. Clicks are read from session state before either table is
drawn, so both always agree with the detail below them.

Missing values read "n/a" (never "None"); long texts (why, what) wrap. Each table sits in a
container keyed ``attention_table`` / ``segments_table`` that browser tests find it by.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import pandas as pd
import streamlit as st

from linkedin.api import segment_numbers
from linkedin.insights.attention import Attention

SELECTED = "audiences.selected"  # the id of the segment whose detail is open, or None
EPOCHS = "audiences.epochs"  # per table, bumped when the other table chose: drawn anew with the choice
KEYS = "audiences.keys"  # per table, the widget key it was drawn with last (tests read it)
MISSING = "n/a"
WRAP_PX = 66  # Streamlit wraps cell text only in rows taller than 4rem (64 px): three lines
OURS_MARK = "★ this app"
SOURCE_MARKS = {  # a short mark for the source platforms an analyst meets; others shortened
    "LIST_UPLOAD": "list upload",
    "SEGMENT": "Segment",
    "LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES": "LinkedIn predictive",
}
SHOWN = ["name", "status", "match_rate_text", "audience_size", "readiness", "source", "why", "account",
         "type", "segment_id", "input_count", "matched_count", "created", "last_modified"]


def source_mark(platform: str, ours: bool) -> str:
    """``"★ this app"``, a known platform's short name, or the platform's first 14 characters."""
    if ours:
        return OURS_MARK
    if platform in SOURCE_MARKS:
        return SOURCE_MARKS[platform]
    words = platform.replace("_", " ").lower()
    return words if len(words) <= 14 else words[:13] + "…"


@dataclass(frozen=True)
class Shown:
    """A table as drawn: its widget key and the segment id of each row (None: a row of no segment)."""

    key: str
    ids: tuple[int | None, ...]

    def default(self, selected: int | None) -> list[int]:
        """The rows to draw selected: the first one of the open segment."""
        return [self.ids.index(selected)] if selected is not None and selected in self.ids else []

    def clicked(self, selected: int | None) -> list[int] | None:
        """The rows the analyst selected in this table since it was drawn, or None if unchanged."""
        state = st.session_state.get(self.key)
        if not isinstance(state, dict) or "selection" not in state:
            return None
        rows = [r for r in state["selection"].get("rows", []) if 0 <= r < len(self.ids)]
        return None if rows == self.default(selected) else rows


def _shown(name: str, ids: Sequence[int | None]) -> Shown:
    epoch = st.session_state.setdefault(EPOCHS, {}).get(name, 0)
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:12]
    shown = Shown(f"{name}.{digest}.{epoch}", tuple(ids))
    st.session_state.setdefault(KEYS, {})[name] = shown.key
    return shown


def _bump(name: str) -> None:
    epochs = st.session_state.setdefault(EPOCHS, {})
    epochs[name] = epochs.get(name, 0) + 1


def selected() -> int | None:
    return st.session_state.get(SELECTED)


def follow_clicks(items: Sequence[Attention], view: pd.DataFrame) -> tuple[Shown, Shown]:
    """Read a click in either table (as drawn last) into ``SELECTED``; the two tables to draw now."""
    ids = {"attention": [i.segment_id for i in items], "segments": [int(i) for i in view["segment_id"]]}
    for name, other in (("attention", "segments"), ("segments", "attention")):
        rows = _shown(name, ids[name]).clicked(selected())
        if rows is None:
            continue
        chosen = ids[name][rows[0]] if rows else None
        if rows and chosen is None:  # a row of no segment (the member, an account): nothing to open
            _bump(name)
        else:  # a segment, or none when its row was unselected
            st.session_state[SELECTED] = chosen
            _bump(other)
        break
    return _shown("attention", ids["attention"]), _shown("segments", ids["segments"])


def attention_list(items: Sequence[Attention], shown: Shown, *, scope: str) -> None:
    """The attention list; selecting a row opens the segment it names."""
    if not items:
        return
    with st.expander(f"Attention: {len(items)} item(s) across {scope}", expanded=True,
                     icon=":material/notification_important:"):
        st.caption("Select a row to open the segment it names.")
        st.container(key="attention_table").dataframe(
            pd.DataFrame([i.to_row() for i in items]),
            hide_index=True, width="stretch", key=shown.key, on_select="rerun", selection_mode="single-row",
            selection_default={"selection": {"rows": shown.default(selected()), "columns": []}},
            height=min(WRAP_PX * len(items) + 38, 6 * WRAP_PX + 38), row_height=WRAP_PX, placeholder=MISSING,
            column_order=["Severity", "Segment", "What", "Account", "Segment ID", "Archived in (days)",
                          "Expires in (days)"],
            column_config={
                "Severity": st.column_config.TextColumn(width=70),
                "Segment": st.column_config.TextColumn(width=190),
                "What": st.column_config.TextColumn(width=440),
                "Segment ID": st.column_config.NumberColumn(format="%d"),
            },
        )


def segments(view: pd.DataFrame, shown: Shown) -> None:
    """The segments, what matters first (name, status, match rate, size, readiness); a row opens its detail."""
    table = view.assign(source=[source_mark(p, o) for o, p in zip(view["ours"], view["source_platform"])])[SHOWN]
    st.caption(f"Select a row to open the segment's detail. {OURS_MARK}: created by this app. "
               f"{segment_numbers.COUNTS_NOTE}")
    st.container(key="segments_table").dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        selection_default={"selection": {"rows": shown.default(selected()), "columns": []}},
        key=shown.key,
        row_height=WRAP_PX,
        placeholder=MISSING,
        column_config={
            "name": st.column_config.TextColumn("Segment", width=190),
            "status": st.column_config.TextColumn("Status", width=90),
            "match_rate_text": st.column_config.TextColumn(
                "Match rate", width=100,
                help=f"matched / input over the uploads of the {segment_numbers.WINDOW}; no recent uploads: "
                     "an audience but nothing uploaded this week; n/a while LinkedIn has no counts"),
            "audience_size": st.column_config.NumberColumn("Audience size", format="localized", width=96,
                                                           help="everything uploaded, duplicates and opt-outs removed"),
            "readiness": st.column_config.TextColumn(
                "Readiness", width=140,
                help=f"targetable: campaigns can use it (not EXPIRED, FAILED or ERROR); serving: an audience "
                     f"of at least {segment_numbers.MIN_AUDIENCE}"),
            "source": st.column_config.TextColumn("Source", width=90,
                                                  help="The segment's source platform; the detail shows it in full"),
            "why": st.column_config.TextColumn("Why", width=360),
            "account": st.column_config.TextColumn("Ad account", width=190),
            "type": "Type",
            "segment_id": st.column_config.NumberColumn("ID", format="%d"),
            "input_count": st.column_config.NumberColumn(f"Input ({segment_numbers.WINDOW})", format="localized"),
            "matched_count": st.column_config.NumberColumn(f"Matched ({segment_numbers.WINDOW})", format="localized"),
            "created": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD HH:mm"),
            "last_modified": st.column_config.DatetimeColumn("Last modified", format="YYYY-MM-DD HH:mm"),
        },
    )
