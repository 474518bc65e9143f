"""examples/quickstart.ipynb runs from scratch against the sandbox, so it can never rot.

Its outputs are cleared, it is executed in a fresh python3 kernel with nbclient (any cell
error fails the test), and what it shows is checked: the syncs finished, the history saw
the segment built, and no raw email from the sample files reached an output. The
committed copy must carry its outputs (it is read on GitHub) and no error.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.extend(str(v) for v in out.data.values())
        elif out.output_type == "error":
            parts.append("\n".join(out.traceback))
    return "\n".join(parts)


def _emails() -> set[str]:
    found = set()
    for name in ("contacts_sample.csv", "companies_sample.csv"):
        frame = pd.read_csv(ROOT / "data" / name, dtype=str, keep_default_na=False)
        for value in frame.to_numpy().ravel():
            found.update(re.findall(r"[^\s,@]+@[^\s,@]+\.[a-z]+", value))
    return found


@pytest.fixture(scope="module")
def executed():
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    fresh = copy.deepcopy(notebook)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    NotebookClient(fresh, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()  # raises on a cell error
    return fresh


def test_the_quickstart_runs_from_scratch_and_shows_its_results(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    everything = "\n".join(_text(c) for c in code)
    assert "Error" not in "".join(o.get("ename", "") for c in code for o in c.outputs)
    assert "Avery Analyst" in everything  # connected
    assert "Match rate per segment" in everything  # the chart
    assert "Check(users: 416 rows" in everything and "Check(companies: 211 rows" in everything
    assert re.search(r"SyncResult\(\w+ done: \d+ accepted", everything)
    assert "SyncPlan(mirror into" in everything
    history = next(c for c in code if "aud.history(" in c.source)
    assert "BUILDING" in _text(history) and "READY" in _text(history)


def test_no_raw_email_reaches_an_output(executed):
    everything = "\n".join(_text(c) for c in executed.cells if c.cell_type == "code").lower()
    leaked = [e for e in _emails() if e.lower() in everything]
    assert leaked == []


def test_the_committed_notebook_carries_its_outputs_and_no_error():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "execute it: .venv/bin/python examples/execute.py"
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    assert sum(1 for c in code if c.outputs) >= len(code) - 2  # imports and close() print nothing
