"""Run a notebook from scratch and save it with its outputs (how quickstart.ipynb is committed).

    .venv/bin/python examples/execute.py [examples/quickstart.ipynb]

The kernel starts in the notebook's folder, as Jupyter would start it. Any cell error
stops the run and nothing is written. The test suite executes the notebook the same way
(tests/integration/test_quickstart_notebook.py), so it cannot rot.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TIMEOUT = 600  # seconds per cell


def execute(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path``, executed in a fresh python3 kernel (raises on any cell error)."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("quickstart.ipynb")).resolve()
    nbformat.write(execute(target), target)
    print(f"executed and saved {target}")
