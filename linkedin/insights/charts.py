"""Plotly figures for the audiences dashboard, readable with 1 segment and with 500.

Few segments: one horizontal bar each, sorted, the figure as tall as its bars. Many
(more than ``TOP_N``): a distribution instead (match-rate histogram, audience-size
bands), since 500 bars are unreadable. Inputs are the frame of ``portfolio.frame``
and history ``Snapshot`` lists; nothing here talks to LinkedIn. Match rates are LinkedIn's
last 7 days of uploads, and every title, axis and hover says so (``segment_numbers``); a
segment with no recent uploads is counted apart, never drawn as 0%.

Plotly reads a subset of HTML in every text it draws (titles, tick labels, legends, hover
labels: ``<a href>``, ``<b>``, ``<br>``...), so names and statuses from LinkedIn go through
``_text`` first and show as the characters they are.

Every axis gets its range and round ticks from ``ticks`` (0/20/40 %, 1/10/100/1k members,
whole segment counts), never plotly's own choice: beside another axis plotly aligns the
ticks to that axis's grid (20/39/59/78/98 %). On a logarithmic axis plotly places
annotations in log10 units but shapes in data units, so the 300 line's label is placed
at log10(300), not at 300 (which stretched the axis to 10^306).
"""

from __future__ import annotations

import html
import math
from datetime import datetime, timezone
from typing import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from linkedin.api.segment_numbers import MIN_AUDIENCE, WINDOW
from linkedin.insights import ticks
from linkedin.insights.history import Snapshot

TOP_N = 30
BAR_PX = 26
BASE_PX = 140
MAX_PX = 1400
STATUS_COLORS = {
    "READY": "#057642",
    "BUILDING": "#0A66C2",
    "UPDATING": "#70B5F9",
    "ARCHIVED": "#915907",
    "EXPIRED": "#666666",
    "FAILED": "#CC1016",
    "ERROR": "#8F0B10",
    "none": "#BBBBBB",
}
SIZE_BANDS = ((0, 0, "0"), (1, MIN_AUDIENCE - 1, f"1–{MIN_AUDIENCE - 1}"), (MIN_AUDIENCE, 999, f"{MIN_AUDIENCE}–999"),
              (1_000, 9_999, "1k–10k"), (10_000, 99_999, "10k–100k"), (100_000, None, "100k+"))


def _text(value: object) -> str:
    """Outside text as plotly shows it literally: ``<``, ``>`` and ``&`` as entities."""
    return html.escape(str(value), quote=False)


def _height(bars: int) -> int:
    return min(MAX_PX, BASE_PX + BAR_PX * max(bars, 1))


def _label(row: pd.Series, width: int = 38) -> str:
    name = str(row["name"])
    name = name if len(name) <= width else name[: width - 1] + "…"
    return f"{_text(name)} · {row['segment_id']}"


def _empty(title: str, text: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, height=BASE_PX + 60, xaxis_visible=False, yaxis_visible=False)
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def _without_rate(df: pd.DataFrame, known: int) -> str:
    """`` (2 with no recent uploads, 3 without counts yet)``: the segments a match-rate chart leaves out."""
    stale = int(df["no_recent_uploads"].sum()) if "no_recent_uploads" in df.columns else 0
    missing = len(df) - known - stale
    parts = [f"{stale} with no recent uploads"] * bool(stale) + [f"{missing} without counts yet"] * bool(missing)
    return f" ({', '.join(parts)})" if parts else ""


def match_rates(df: pd.DataFrame, *, top: int = TOP_N) -> go.Figure:
    """Match rate per segment over the last 7 days (bars), or their distribution when more than ``top``."""
    known = df[df["match_rate"].notna()]
    note = _without_rate(df, len(known))
    if known.empty:
        why = (f"No match rates to show{note}: LinkedIn computes them over the uploads of the {WINDOW}."
               if len(df) else "No segments.")
        return _empty(f"Match rate, {WINDOW}", why)
    axis = f"match rate, {WINDOW} (matched / input)"
    if len(known) <= top:
        data = known.sort_values("match_rate")
        fig = go.Figure(go.Bar(
            x=data["match_rate"].astype(float), y=[_label(r) for _, r in data.iterrows()], orientation="h",
            marker_color=[STATUS_COLORS.get(s, STATUS_COLORS["none"]) for s in data["status"]],
            customdata=data[["segment_id"]].to_numpy(),
            hovertemplate=f"%{{y}}<br>match rate %{{x:.1%}} ({WINDOW})<extra></extra>",
        ))
        fig.update_layout(title=f"Match rate per segment, {WINDOW}{note}", height=_height(len(data)))
        _rate_axis(fig.update_xaxes, title=axis)
    else:
        fig = go.Figure(go.Histogram(
            x=known["match_rate"].astype(float), xbins={"start": 0, "end": 1.0001, "size": 0.05},
            marker_color="#0A66C2", hovertemplate=f"%{{x}} ({WINDOW}): %{{y}} segments<extra></extra>",
        ))
        fig.update_layout(title=f"Match rate of {len(known)} segments, {WINDOW}{note}", height=360, bargap=0.05)
        _rate_axis(fig.update_xaxes, title=axis)
        _count_axis(fig.update_yaxes, _histogram_peak(known["match_rate"].astype(float)), title="segments")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 30})
    return fig


def _rate_axis(update, **more) -> None:
    """A match-rate axis: always 0 to 100 %, ticks every 20 %."""
    update(range=[0, 1.02], tickmode="array", tickvals=list(ticks.RATE_TICKS), tickformat=".0%", **more)  # 100% drawn


def _count_axis(update, top: float, **more) -> None:
    """An axis of counts from 0: round whole steps that end above ``top``."""
    span, values = ticks.linear(top)
    update(range=span, tickmode="array", tickvals=values, ticktext=[ticks.short(v) for v in values], **more)


def _histogram_peak(rates: pd.Series) -> int:
    """The tallest bar of the match-rate histogram (bins of 5 %, the last one closed at 100 %)."""
    bins = (rates.clip(0, 1) * 20).astype(int).clip(upper=19)
    return int(bins.value_counts().max()) if len(bins) else 0


def audience_sizes(df: pd.DataFrame, *, top: int = TOP_N) -> go.Figure:
    """Audience size against LinkedIn's 300-member line: bars, or size bands when many."""
    known = df[df["audience_size"].notna()]
    missing = len(df) - len(known)
    note = f" ({missing} without a size yet)" if missing else ""
    if known.empty:
        return _empty("Audience size", "No audience sizes yet." if len(df) else "No segments.")
    if len(known) <= top:
        data = known.sort_values("audience_size")
        sizes = data["audience_size"].astype(int)
        fig = go.Figure(go.Bar(
            x=sizes, y=[_label(r) for _, r in data.iterrows()], orientation="h",
            marker_color=["#057642" if s >= MIN_AUDIENCE else "#CC1016" for s in sizes],
            customdata=data[["segment_id"]].to_numpy(),
            hovertemplate="%{y}<br>%{x:,} members<extra></extra>",
        ))
        log = sizes.max() >= 100 * max(MIN_AUDIENCE, 1)
        fig.add_vline(x=MIN_AUDIENCE, line_dash="dash", line_color="#CC1016")  # a shape: data units on any axis
        if log:
            span, values = ticks.log10_range(1, int(sizes.max()))  # from 1: every bar's length is its size
            fig.update_xaxes(type="log", range=span, tickmode="array", tickvals=values,
                             ticktext=[ticks.short(v) for v in values], title="audience size (members, log scale)")
        else:
            _count_axis(fig.update_xaxes, max(int(sizes.max()), MIN_AUDIENCE), title="audience size (members)")
        # An annotation on a log axis is placed in log10 units: 300 there would be 10^300.
        fig.add_annotation(x=math.log10(MIN_AUDIENCE) if log else MIN_AUDIENCE, xref="x", y=1, yref="paper",
                           yanchor="bottom", text=f"{MIN_AUDIENCE}: serves from here", showarrow=False,
                           font={"color": "#CC1016"})
        fig.update_layout(title=f"Audience size vs the {MIN_AUDIENCE} line{note}", height=_height(len(data)))
    else:
        sizes = known["audience_size"].astype(int)
        labels, counts, colors = [], [], []
        for low, high, label in SIZE_BANDS:
            inside = (sizes >= low) & ((sizes <= high) if high is not None else True)
            labels.append(label)
            counts.append(int(inside.sum()))
            colors.append("#CC1016" if low < MIN_AUDIENCE else "#057642")
        fig = go.Figure(go.Bar(x=labels, y=counts, marker_color=colors, text=counts, textposition="outside",
                               hovertemplate="%{x} members: %{y} segments<extra></extra>"))
        under = sum(c for (low, _h, _l), c in zip(SIZE_BANDS, counts) if low < MIN_AUDIENCE)
        fig.update_layout(title=f"Audience size of {len(known)} segments: {under} under {MIN_AUDIENCE}{note}", height=360)
        fig.update_xaxes(title="audience size band (red: under 300, will not serve)", type="category")
        _count_axis(fig.update_yaxes, max(counts) * 1.1, title="segments")  # room for the counts above the bars
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 30})
    return fig


def statuses_by_account(df: pd.DataFrame) -> go.Figure:
    """Segments by status, one stacked bar per account."""
    if df.empty:
        return _empty("Segments by status", "No segments.")
    counts = df.groupby(["account", "status"]).size().unstack(fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values().index]
    order = [s for s in STATUS_COLORS if s in counts.columns] + [s for s in counts.columns if s not in STATUS_COLORS]
    fig = go.Figure()
    for status in order:
        fig.add_bar(name=_text(status), x=counts[status], y=[_text(a) for a in counts.index], orientation="h",
                    marker_color=STATUS_COLORS.get(status, "#888888"),
                    hovertemplate="%{y}<br>" + _text(status) + ": %{x}<extra></extra>")
    # The legend sits at the figure's foot, below the axis title (never over the ticks, whatever the height).
    fig.update_layout(barmode="stack", title="Segments by status per account", height=_height(len(counts)) + 80,
                      legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
                      margin={"l": 10, "r": 10, "t": 50, "b": 80})
    _count_axis(fig.update_xaxes, int(counts.sum(axis=1).max()), title="segments")
    return fig


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def history(snapshots: Sequence[Snapshot], *, title: str = "History") -> go.Figure:
    """Audience size (all input) and match rate (each reading's last 7 days) over time, status changes marked.

    A reading with no recent uploads has no match rate: the line breaks there instead of falling to 0%.
    """
    if not snapshots:
        return _empty(_text(title), "No history yet: the app keeps a snapshot each time it reads the segment.")
    xs, sizes, rates = [], [], []
    for snap in snapshots:  # each snapshot holds from taken_at to seen_at
        for t in ((snap.taken_at, snap.seen_at) if snap.seen_at > snap.taken_at else (snap.taken_at,)):
            xs.append(_when(t))
            sizes.append(snap.audience_size)
            rates.append(snap.match_rate)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=xs, y=sizes, name="audience size", mode="lines+markers", line_shape="hv",
                             line_color="#0A66C2", connectgaps=False), secondary_y=False)
    fig.add_trace(go.Scatter(x=xs, y=rates, name=f"match rate ({WINDOW})", mode="lines+markers", line_shape="hv",
                             line_color="#915907", line_dash="dot", connectgaps=False,
                             hovertemplate=f"%{{y:.1%}} of the {WINDOW}' input matched<extra></extra>"),
                  secondary_y=True)
    changes, previous = [], object()
    for snap in snapshots:
        if snap.status != previous:
            changes.append(snap)
            previous = snap.status
    fig.add_trace(go.Scatter(
        x=[_when(s.taken_at) for s in changes], y=[s.audience_size or 0 for s in changes], name="status change",
        mode="markers+text", text=[_text(s.status or "none") for s in changes], textposition="top center",
        marker={"size": 11, "symbol": "diamond",
                "color": [STATUS_COLORS.get(s.status or "none", "#888888") for s in changes]},
    ), secondary_y=False)
    fig.add_hline(y=MIN_AUDIENCE, line_dash="dash", line_color="#CC1016", annotation_text=str(MIN_AUDIENCE),
                  secondary_y=False)
    known = [s for s in sizes if s is not None]
    _count_axis(lambda **kw: fig.update_yaxes(secondary_y=False, **kw), max([*known, MIN_AUDIENCE]),
                title_text="audience size")
    fig.update_yaxes(title_text=f"match rate ({WINDOW})", range=[0, 1.05], tickmode="array",
                     tickvals=list(ticks.RATE_TICKS), tickformat=".0%", showgrid=False, secondary_y=True)
    fig.update_layout(title=_text(title), height=380, legend={"orientation": "h", "y": -0.2},
                      margin={"l": 10, "r": 10, "t": 50, "b": 30})
    return fig
