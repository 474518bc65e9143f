"""The dashboard's figures stay readable with 1 segment and with 500."""

import json
import math

import pytest

from linkedin.api.accounts import Account
from linkedin.api.segments import Segment
from linkedin.insights import charts, ticks
from linkedin.insights.history import Snapshot
from linkedin.insights.portfolio import frame

STATUSES = ["READY", "BUILDING", "ARCHIVED", "FAILED", "UPDATING"]


def make_frame(n, accounts=1):
    items = []
    for i in range(n):
        acc = Account(i % accounts + 1, f"Account {i % accounts + 1}", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER")
        status = STATUSES[i % len(STATUSES)]
        dest = {"destination": "LINKEDIN", "status": status}
        if status != "BUILDING":
            dest.update(matchedCount=i * 7 % 1000, audienceSize=(i * 37) % 5000)
        items.append((acc, Segment.from_api({"id": 1000 + i, "name": f"Segment {i} " + "x" * (i % 60), "account": acc.urn,
                                             "inputCount": 1000, "destinations": [dest]})))
    return frame(items)


def spec(fig):
    return json.loads(fig.to_json())  # what st.plotly_chart sends: must serialise


def test_one_segment_is_one_labelled_bar_with_the_300_line():
    df = make_frame(1)
    rate = spec(charts.match_rates(df))
    assert [t["type"] for t in rate["data"]] == ["bar"]
    assert rate["data"][0]["y"] == ["Segment 0  · 1000"]
    size = spec(charts.audience_sizes(df))
    assert size["data"][0]["orientation"] == "h"
    assert [s["x0"] for s in size["layout"]["shapes"]] == [300]
    assert size["layout"]["height"] == charts.BASE_PX + charts.BAR_PX


def test_five_hundred_segments_become_distributions_of_fixed_height():
    df = make_frame(500, accounts=50)
    rate = spec(charts.match_rates(df))
    assert [t["type"] for t in rate["data"]] == ["histogram"]
    assert rate["layout"]["title"]["text"] == "Match rate of 400 segments, last 7 days (100 without counts yet)"
    assert rate["layout"]["xaxis"]["title"]["text"] == "match rate, last 7 days (matched / input)"
    size = spec(charts.audience_sizes(df))
    bands = size["data"][0]
    assert bands["x"] == ["0", "1–299", "300–999", "1k–10k", "10k–100k", "100k+"]
    assert sum(bands["y"]) == 400
    assert size["layout"]["height"] == 360
    by_status = spec(charts.statuses_by_account(df))
    assert {t["name"] for t in by_status["data"]} == set(STATUSES)
    assert len(by_status["data"][0]["y"]) == 50
    assert by_status["layout"]["height"] <= charts.MAX_PX + 80


def test_bars_are_capped_at_top_n_and_long_names_shortened():
    df = make_frame(charts.TOP_N)
    fig = spec(charts.match_rates(df))
    labels = fig["data"][0]["y"]
    assert len(labels) == len(df[df["match_rate"].notna()])
    assert max(len(label) for label in labels) <= 38 + len(" · 1029")


def test_empty_inputs_say_so():
    empty = make_frame(0)
    for fig in (charts.match_rates(empty), charts.audience_sizes(empty), charts.statuses_by_account(empty)):
        assert spec(fig)["layout"]["annotations"][0]["text"] == "No segments."
    building = make_frame(2).iloc[[1]]  # the BUILDING one: no counts
    assert spec(charts.match_rates(building))["layout"]["annotations"][0]["text"] == (
        "No match rates to show (1 without counts yet): LinkedIn computes them over the uploads of the last 7 days.")


def test_segments_with_no_recent_uploads_are_counted_apart_never_drawn_as_zero():
    acc = Account(1, "Account 1", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER")
    fed = {"destination": "LINKEDIN", "status": "READY", "matchedCount": 620, "audienceSize": 580}
    stale = {"destination": "LINKEDIN", "status": "READY", "audienceSize": 27_000}  # counts gone after 7 days
    zeros = dict(stale, matchedCount=0)  # ... or sent as zeros
    df = frame([(acc, Segment.from_api({"id": 1, "name": "Fed", "account": acc.urn, "inputCount": 1000,
                                        "destinations": [fed]})),
                (acc, Segment.from_api({"id": 2, "name": "Stale", "account": acc.urn, "destinations": [stale]})),
                (acc, Segment.from_api({"id": 3, "name": "Zeros", "account": acc.urn, "inputCount": 0,
                                        "destinations": [zeros]})),
                (acc, Segment.from_api({"id": 4, "name": "New", "account": acc.urn,
                                        "destinations": [{"destination": "LINKEDIN", "status": "BUILDING"}]}))])
    assert list(df["match_rate_text"]) == ["62% (last 7 days)", "no recent uploads", "no recent uploads", "n/a"]
    fig = spec(charts.match_rates(df))
    assert fig["layout"]["title"]["text"] == (
        "Match rate per segment, last 7 days (2 with no recent uploads, 1 without counts yet)")
    assert fig["data"][0]["y"] == ["Fed · 1"]
    assert fig["data"][0]["hovertemplate"] == "%{y}<br>match rate %{x:.1%} (last 7 days)<extra></extra>"
    assert spec(charts.match_rates(df.iloc[[1, 2]]))["layout"]["annotations"][0]["text"] == (
        "No match rates to show (2 with no recent uploads): LinkedIn computes them over the uploads of the last 7 "
        "days.")


def test_history_lines_and_status_changes():
    snaps = [
        Snapshot(1, "a", "S", "BUILDING", 1000, None, None, 1, 1_700_000_000.0, 1_700_003_600.0),
        Snapshot(1, "a", "S", "READY", 1000, 600, 450, 2, 1_700_007_200.0, 1_700_010_800.0),
        Snapshot(1, "a", "S", "READY", 1000, 700, 520, 3, 1_700_014_400.0, 1_700_014_400.0),
    ]
    fig = spec(charts.history(snaps, title="History of S"))
    size, rate, changes = fig["data"]
    assert size["y"] == [None, None, 450, 450, 520]  # each stretch drawn from first to last reading
    assert rate["y"] == [None, None, 0.6, 0.6, 0.7]
    assert changes["text"] == ["BUILDING", "READY"]
    assert fig["layout"]["title"]["text"] == "History of S"
    assert (rate["name"], fig["layout"]["yaxis2"]["title"]["text"]) == (
        "match rate (last 7 days)", "match rate (last 7 days)")
    assert rate["hovertemplate"] == "%{y:.1%} of the last 7 days' input matched<extra></extra>"
    assert "No history yet" in spec(charts.history([]))["layout"]["annotations"][0]["text"]


@pytest.mark.parametrize("n", [1, 29, 31, 500])
def test_heights_never_exceed_the_cap(n):
    df = make_frame(n, accounts=min(n, 50))
    for fig in (charts.match_rates(df), charts.audience_sizes(df), charts.statuses_by_account(df)):
        assert 100 < fig.layout.height <= charts.MAX_PX + 80


def test_names_from_linkedin_show_as_text_in_every_chart():
    hostile = '<a href="http://evil">x</a> & <img src=x>'
    df = make_frame(3)
    df["name"] = hostile
    df["account"] = hostile
    df["status"] = ["READY", "<b>odd</b>", "READY"]
    escaped = '&lt;a href="http://evil"&gt;x&lt;/a&gt; &amp; &lt;img src=x&gt;'
    for fig in (charts.match_rates(df), charts.audience_sizes(df)):
        labels = [y for trace in spec(fig)["data"] for y in trace["y"]]
        assert labels and all(label.startswith(escaped[:30]) and "<" not in label for label in labels)
    by_status = spec(charts.statuses_by_account(df))
    assert {t["name"] for t in by_status["data"]} == {"READY", "&lt;b&gt;odd&lt;/b&gt;"}
    assert all(y == escaped for t in by_status["data"] for y in t["y"])
    snaps = [Snapshot(1, "urn:li:sponsoredAccount:1", hostile, "<i>s</i>", 10, 5, 300, 1, 100.0, 100.0)]
    history = spec(charts.history(snaps, title=f"History of {hostile}"))
    assert history["layout"]["title"]["text"] == f"History of {escaped}"
    assert history["data"][-1]["text"] == ["&lt;i&gt;s&lt;/i&gt;"]


def sized_frame(sizes, accounts=1):
    """Segments of these audience sizes (READY, fed this week), ``accounts`` accounts round robin."""
    items = []
    for i, size in enumerate(sizes):
        acc = Account(i % accounts + 1, f"Account {i % accounts + 1}", "ACTIVE", "BUSINESS", "USD", False,
                      "ACCOUNT_MANAGER")
        dest = {"destination": "LINKEDIN", "status": "READY", "matchedCount": size + i % 7, "audienceSize": size}
        items.append((acc, Segment.from_api({"id": 1000 + i, "name": f"S{i}", "account": acc.urn,
                                             "inputCount": 2 * size + 10, "destinations": [dest]})))
    return frame(items)


def round_steps(values):
    """Ticks from 0 in equal steps of 1, 2 or 5 x 10^k."""
    steps = {round(b - a, 9) for a, b in zip(values, values[1:])}
    assert values[0] == 0 and len(steps) == 1, values
    (size,) = steps
    mantissa = size / 10 ** math.floor(math.log10(size))
    return round(mantissa, 9) in (1, 2, 5)


# 1 segment, one account, all accounts (the demo's sizes: 0 to 120k), 500 segments
VIEWS = {
    "one segment": sized_frame([450]),
    "one small segment": sized_frame([12]),
    "one account": sized_frame([0, 2, 180, 350, 620, 9_000, 27_000, 120_000]),
    "all accounts": sized_frame([(i * 7919) % 130_000 for i in range(29)], accounts=14),
    "500 segments": sized_frame([(i * 7919) % 130_000 for i in range(500)], accounts=50),
}


@pytest.mark.parametrize("view", VIEWS)
def test_the_300_line_and_its_label_sit_at_300_members_on_a_round_axis(view):
    figure = charts.audience_sizes(VIEWS[view])
    fig, bars = spec(figure), figure.data[0]  # numbers from the figure: its JSON packs arrays as binary
    axis = fig["layout"]["xaxis"]
    if bars.orientation != "h":  # many segments: size bands, counted on a round axis
        assert round_steps(fig["layout"]["yaxis"]["tickvals"])
        assert fig["layout"]["yaxis"]["range"][1] >= max(bars.y)
        return
    top = max(bars.x)
    (line,) = fig["layout"]["shapes"]
    assert (line["x0"], line["x1"]) == (300, 300)  # a shape is placed in data units, on a log axis too
    (label,) = [a for a in fig["layout"]["annotations"] if a["text"] == "300: serves from here"]
    if axis.get("type") == "log":  # ranges and annotations in log10 units: 300 is 2.48, not 10^300
        assert label["x"] == pytest.approx(math.log10(300))
        assert axis["range"][0] == 0 and math.log10(top) < axis["range"][1] <= math.log10(top) + 1
        assert axis["tickvals"] == [10.0**k for k in range(int(axis["range"][1]) + 1)]
        assert axis["ticktext"][:4] == ["1", "10", "100", "1k"]
    else:
        assert label["x"] == 300
        assert round_steps(axis["tickvals"]) and axis["range"] == [0, axis["tickvals"][-1]]
        assert max(top, 300) < axis["range"][1] <= 2 * max(top, 300)


def test_the_demo_account_sizes_draw_on_a_log_axis_up_to_a_million():
    fig = spec(charts.audience_sizes(VIEWS["one account"]))
    axis = fig["layout"]["xaxis"]
    assert (axis["type"], axis["range"]) == ("log", [0.0, 6.0])
    assert axis["ticktext"] == ["1", "10", "100", "1k", "10k", "100k", "1M"]


@pytest.mark.parametrize("view", VIEWS)
def test_match_rates_read_every_20_percent_and_counts_are_whole(view):
    fig = spec(charts.match_rates(VIEWS[view]))
    axis = fig["layout"]["xaxis"]
    assert (axis["range"], axis["tickvals"], axis["tickformat"]) == ([0, 1.02], [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], ".0%")
    if fig["data"][0]["type"] == "histogram":
        counts = fig["layout"]["yaxis"]
        assert round_steps(counts["tickvals"]) and all(v == int(v) for v in counts["tickvals"])
    by_status = spec(charts.statuses_by_account(VIEWS[view]))["layout"]["xaxis"]
    assert round_steps(by_status["tickvals"]) and all(v == int(v) for v in by_status["tickvals"])
    assert by_status["range"][1] >= VIEWS[view].groupby("account").size().max()
    legend = spec(charts.statuses_by_account(VIEWS[view]))["layout"]["legend"]
    assert (legend["yref"], legend["y"], legend["yanchor"]) == ("container", 0, "bottom")  # never over the ticks


@pytest.mark.parametrize("sizes", [[None, 450, 520], [10, 12, 12], [40_000, 48_000, 51_000]])
def test_history_ticks_are_round_on_both_axes(sizes):
    snaps = [Snapshot(1, "a", "S", "READY", 1000, 600, size, i, 1_700_000_000.0 + i * 3600, 1_700_000_000.0 + i * 3600)
             for i, size in enumerate(sizes)]
    layout = spec(charts.history(snaps))["layout"]
    rate, size = layout["yaxis2"], layout["yaxis"]
    assert (rate["tickvals"], rate["tickformat"], rate["range"]) == ([0.0, 0.2, 0.4, 0.6, 0.8, 1.0], ".0%", [0, 1.05])
    assert round_steps(size["tickvals"]) and size["range"][1] > max([s or 0 for s in sizes] + [300])


def test_ticks_step_by_one_two_or_five_and_powers_of_ten():
    assert ticks.linear(535) == ([0.0, 600.0], [0.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0])
    assert ticks.linear(300) == ([0.0, 400.0], [0.0, 100.0, 200.0, 300.0, 400.0])
    assert ticks.linear(1) == ([0.0, 2.0], [0.0, 1.0, 2.0])  # whole segments, never 0.5
    assert ticks.linear(0) == ([0.0, 1.0], [0.0, 1.0])
    assert ticks.log10_range(1, 120_000) == ([0.0, 6.0], [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6])
    assert ticks.log10_range(1, 100_000) == ([0.0, 6.0], [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6])
    assert [ticks.short(v) for v in (0, 300, 1_000, 1_500, 25_000, 1e6)] == ["0", "300", "1k", "1.5k", "25k", "1M"]
