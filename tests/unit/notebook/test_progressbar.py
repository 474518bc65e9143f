"""The command line's and the notebook's progress bar shows LinkedIn's waits as a countdown."""

import io

from linkedin.api.waits import Wait
from linkedin.notebook.progressbar import ProgressBar
from linkedin.sync.sender import Progress


def progress(done, wait=None):
    return Progress("run-1", 100, done, done, 0, done // 10, 10, 5.0, None, wait)


def test_a_wait_counts_down_in_the_bar_then_the_bar_goes_on():
    out = io.StringIO()
    bar = ProgressBar("Adding to “Spring”", file=out)
    bar(progress(20))
    for left in (42.0, 41.0, 40.0):
        bar(progress(20, Wait(42.0, left, "LinkedIn's per-minute limit", 429)))
    bar(progress(30))
    bar.close()
    frames = [f for f in out.getvalue().split("\r") if f.strip()]  # tqdm redraws the line in place
    waiting = [f.split(": ", 1)[0] for f in frames if "retrying" in f]
    assert waiting == ["Adding to “Spring” (LinkedIn's per-minute limit"] * 3
    assert [n for n in (42, 41, 40) if any(f"retrying in {n} s)" in f for f in frames)] == [42, 41, 40]
    assert "retrying" not in frames[-1] and "30/100" in frames[-1]
