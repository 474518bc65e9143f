"""The server's one-time start-up: imports frozen once, and only front doors touch the collector."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_freeze_imports_freezes_the_loaded_modules_once_and_later_objects_stay_collectable():
    code = (
        "import gc\n"
        "from ui import startup\n"
        "assert gc.get_freeze_count() == 0\n"
        "assert startup.freeze_imports() is True\n"
        "frozen = gc.get_freeze_count()\n"
        "assert frozen > 10_000, frozen\n"
        "import sys; assert 'plotly.graph_objects' in sys.modules and 'linkedin.sync.upload' in sys.modules\n"
        "assert startup.freeze_imports() is False and gc.get_freeze_count() == frozen\n"
        "a = []; a.append(a); del a\n"  # a cycle made after the freeze is still collected
        "assert gc.collect() >= 1\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_the_library_never_touches_the_garbage_collector_outside_the_cli():
    touching = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "linkedin").rglob("*.py")
        if path.name != "cli.py" and re.search(r"^\s*(import gc|from gc import)", path.read_text(), re.M)
    ]
    assert touching == []


def test_the_servers_allocator_choice_stays_out_of_apptests_process():
    """AppTest runs app.py inside the test's own process, with a stand-in runtime: the choice made
    for a server's process (``ui.memory.server_allocators``) must not follow every later test."""
    code = (
        "import pyarrow as pa\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from ui import startup\n"
        "before = pa.default_memory_pool().backend_name\n"
        "AppTest.from_file(%r, default_timeout=60).run()\n"
        "print(before, pa.default_memory_pool().backend_name, startup.serving())\n"
    ) % str(ROOT / "app.py")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    before, after, serving = out.stdout.split()[-3:]
    assert before != "system" and after == before and serving == "False"
