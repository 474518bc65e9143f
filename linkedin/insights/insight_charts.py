"""Plotly figures of the match insights: a run's funnel, identifier mix against match rate,
the overlap matrix and a two-segment Venn view.

Apart from ``charts`` (the dashboard's figures) because they draw other objects
(``funnel.Funnel``, ``mix.frame``, ``overlap.Overlap``). Names from LinkedIn and the
analyst's segments go through ``charts``' escaping, as every text plotly draws reads HTML.
Nothing here talks to LinkedIn.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from linkedin.api.segment_numbers import WINDOW
from linkedin.insights.funnel import Funnel
from linkedin.insights.overlap import Overlap

BLUE, GREY, GREEN = "#0A66C2", "#BBBBBB", "#057642"


def _text(value: object) -> str:
    return html.escape(str(value), quote=False)


def _short(value: object, width: int = 28) -> str:
    text = str(value)
    return _text(text if len(text) <= width else text[: width - 1] + "…")


def funnel(found: Funnel) -> go.Figure:
    """The run's steps as a funnel; steps LinkedIn has not reported yet are grey bars with the reason."""
    known = [s for s in found.steps if s.count is not None]
    fig = go.Figure(go.Funnel(
        y=[s.name for s in known], x=[s.count for s in known], textinfo="value+percent initial",
        marker={"color": [GREEN if s.name.startswith(("Matched", "Audience")) else BLUE for s in known]},
        hovertemplate="%{y}: %{x:,}<extra></extra>"))
    waiting = [s for s in found.steps if s.count is None]
    title = f"Funnel of the upload to {_short(found.segment, 40)}"
    if found.biggest_loss:
        title += f"<br><sup>{_text(found.biggest_loss)}</sup>"
    fig.update_layout(title=title, height=140 + 48 * len(found.steps), margin={"l": 180})
    if waiting:
        fig.add_annotation(text=" · ".join(f"{s.name}: {_text(s.note)}" for s in waiting), showarrow=False,
                           x=0.5, y=-0.08, xref="paper", yref="paper", font={"color": "#666666"})
    return fig


MIX_AXES = {"personal": "personal emails (share of plain addresses)", "name_only": "people sent by name only",
            "ad_id": "people with a mobile ad id", "hashed": "emails given pre-hashed",
            "page": "companies with a LinkedIn page URL", "domain_only": "companies with a domain only"}


def mix(mixes: pd.DataFrame, *, share: str = "personal") -> go.Figure:
    """Each segment the app sent to: the share ``share`` of its identifiers against its match rate."""
    rows = mixes.dropna(subset=[share, "match_rate"]) if len(mixes) else mixes
    title = f"Match rate ({WINDOW}) against {MIX_AXES.get(share, share)}"
    fig = go.Figure()
    if len(rows):
        fig.add_trace(go.Scatter(
            x=rows[share].astype(float) * 100, y=rows["match_rate"].astype(float) * 100, mode="markers+text",
            text=[_short(n, 22) for n in rows["segment"]], textposition="top center",
            marker={"size": 12, "color": BLUE},
            customdata=np.stack([rows["segment_id"].astype(str), rows["runs"].astype(str)], axis=1),
            hovertemplate="%{text} (%{customdata[0]})<br>share %{x:.0f}%<br>match rate %{y:.0f}%"
                          "<br>%{customdata[1]} run(s)<extra></extra>"))
    else:
        fig.add_annotation(text="No segment with both a mix (an upload by this app) and a match rate yet.",
                           showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(title=title, height=420, xaxis_title=f"{MIX_AXES.get(share, share)} (%)",
                      yaxis_title=f"match rate, {WINDOW} (%)", xaxis_range=[-5, 105], yaxis_range=[-5, 105])
    return fig


def overlap_matrix(found: Overlap) -> go.Figure:
    """Shared keys of every pair as a heatmap; the colour is the share of the row's segment."""
    labels = [_short(label) for label in found.labels]
    shares = found.shares() * 100
    fig = go.Figure(go.Heatmap(
        z=shares, x=labels, y=labels, zmin=0, zmax=100, colorscale="Blues", colorbar={"title": "% of row"},
        text=found.counts, texttemplate="%{text:,}",
        hovertemplate="%{y} ∩ %{x}: %{text:,} shared (%{z:.0f}% of %{y})<extra></extra>"))
    fig.update_layout(title="Overlap of what this app sent (shared hashed keys)",
                      height=max(320, 120 + 34 * len(labels)), yaxis_autorange="reversed")
    return fig


def venn(found: Overlap, a: int = 0, b: int = 1) -> go.Figure:
    """Two segments as two overlapping circles, each region labelled with its count and share."""
    regions = found.venn(a, b)
    size_a, size_b = int(found.counts[a, a]), int(found.counts[b, b])
    union = regions["only_a"] + regions["both"] + regions["only_b"]
    fig = go.Figure()
    for x0, color in ((0.0, BLUE), (1.2, GREEN)):
        fig.add_shape(type="circle", x0=x0, y0=0, x1=x0 + 2, y1=2, fillcolor=color, opacity=0.35,
                      line={"color": color})

    def pct(n: int) -> str:
        return f"{100 * n / union:.0f}%" if union else "0%"

    fig.add_trace(go.Scatter(
        x=[0.55, 1.6, 2.65], y=[1, 1, 1], mode="text", hoverinfo="skip",
        text=[f"only<br>{regions['only_a']:,}<br>{pct(regions['only_a'])}",
              f"both<br>{regions['both']:,}<br>{pct(regions['both'])}",
              f"only<br>{regions['only_b']:,}<br>{pct(regions['only_b'])}"]))
    fig.add_annotation(x=1.0, y=2.2, text=f"{_short(found.labels[a])} ({size_a:,})", showarrow=False)
    fig.add_annotation(x=2.2, y=-0.2, text=f"{_short(found.labels[b])} ({size_b:,})", showarrow=False)
    fig.update_layout(title="Two segments: what this app sent to each", height=380, showlegend=False,
                      xaxis={"visible": False, "range": [-0.3, 3.5]},
                      yaxis={"visible": False, "range": [-0.5, 2.5], "scaleanchor": "x"})
    return fig
