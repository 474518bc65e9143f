"""Missing values read "n/a" in every table the app draws, never "None" (issue 14.13).

``st.dataframe`` shows a missing cell as "None" unless given a ``placeholder``; the AST of
every page and ``ui`` module is read so that a new table cannot forget it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")])


def dataframes(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "dataframe"]


def n_a(value: ast.expr, path: Path) -> bool:
    """``"n/a"``, or a name the module sets to it (``MISSING = "n/a"``)."""
    if isinstance(value, ast.Constant):
        return value.value == "n/a"
    constants = {t.id: n.value.value for n in ast.parse(path.read_text(encoding="utf-8")).body
                 if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
                 for t in n.targets if isinstance(t, ast.Name)}
    return isinstance(value, ast.Name) and constants.get(value.id) == "n/a"


def test_the_app_draws_tables():
    assert sum(len(dataframes(p)) for p in SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_shows_missing_values_as_n_a(path):
    missing = [call.lineno for call in dataframes(path)
               if not any(k.arg == "placeholder" and n_a(k.value, path) for k in call.keywords)]
    assert missing == [], f"st.dataframe without placeholder=\"n/a\" at lines {missing}"
