"""A tqdm progress bar fed by an upload run's ``Progress`` reports.

``tqdm.auto`` draws a widget in Jupyter (when ipywidgets is installed) and text elsewhere;
a kernel without ipywidgets gets the text bar, without tqdm's warning about it. The bar also
shows LinkedIn's pauses (rate limits, a new segment not visible yet) while they last.
"""

from __future__ import annotations

import warnings
from typing import IO, Any

from linkedin.sync.sender import Progress


def _bar(**kwargs: Any):
    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        # Without ipywidgets tqdm warns on import and draws text: the same bar, minus the widget.
        warnings.simplefilter("ignore", TqdmWarning)
        try:
            from tqdm.auto import tqdm

            return tqdm(**kwargs)
        except ImportError:  # older tqdm: the notebook class cannot draw without ipywidgets
            from tqdm.std import tqdm

            return tqdm(**kwargs)


class ProgressBar:
    """Callable for ``Sync.run(on_progress=...)``; the bar appears on the first report."""

    def __init__(self, description: str, *, file: IO[str] | None = None, unit: str = "member") -> None:
        self.description = description
        self.file = file
        self.unit = unit
        self.bar = None

    def __call__(self, progress: Progress) -> None:
        if self.bar is None:
            kwargs: dict[str, Any] = {"total": progress.total, "initial": progress.done, "desc": self.description,
                                      "unit": self.unit, "dynamic_ncols": True}
            if self.file is not None:
                kwargs["file"] = self.file
            self.bar = _bar(**kwargs)
        self.bar.n = progress.done
        self.bar.set_description_str(
            f"{self.description} ({progress.note})" if progress.waiting_seconds and progress.note else self.description,
            refresh=False,
        )
        self.bar.set_postfix(accepted=progress.accepted, rejected=progress.rejected, refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
