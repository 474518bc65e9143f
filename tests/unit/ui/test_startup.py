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
    assert before == "mimalloc" and after == before and serving == "False"  # pyarrow's default here


def test_each_script_run_gets_the_uploaded_file_without_a_copy_of_its_bytes(tmp_path):
    """Streamlit deep-copies a widget's value for every run; for an uploaded file that copied
    its bytes (66 MB, 35-43 ms a run in the server). ``share_uploaded_bytes`` makes the copy
    share them: shown by the same bytes object in two runs, where Streamlit alone gives two."""
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\n"
        "f = st.file_uploader('table', key='f')\n"
        "if f is not None:\n"
        "    st.session_state.setdefault('seen', []).append(f.getvalue())\n"
        "    f.read(5)  # a run that moves its copy's position leaves the next run's at 0\n"
        "    st.session_state.setdefault('at', []).append(f.tell())\n"
    )
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from ui import startup\n"
        "data = b'email\\n' + b'x' * 1000\n"
        "def twice():\n"
        "    at = AppTest.from_file(sys.argv[1], default_timeout=30).run()\n"
        "    at.file_uploader(key='f').set_value(('a.csv', data, 'text/csv')).run()\n"
        "    at.run()\n"
        "    seen = at.session_state['seen']\n"
        "    assert len(seen) == 2 and seen[0] == seen[1] == data\n"
        "    assert at.session_state['at'] == [5, 5], at.session_state['at']\n"
        "    return seen[0] is seen[1]\n"
        "alone = twice()\n"
        "assert startup.share_uploaded_bytes() is True and startup.share_uploaded_bytes() is False\n"
        "print(alone, twice())\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(page)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["False", "True"]


def test_a_shared_copy_of_an_uploaded_file_is_still_a_copy_to_whoever_reads_or_writes_it():
    import copy

    from streamlit.proto.Common_pb2 import FileURLs
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    from ui import startup

    data = b"email\n" + b"a@example.com\n" * 100
    original = UploadedFile(UploadedFileRec("id1", "a.csv", "text/csv", data), FileURLs(upload_url="/u/1"))
    original.read(6)
    shared = startup._shared_copy(original, {})
    assert shared is not original and shared == original and shared.getvalue() is data
    assert (shared.file_id, shared.name, shared.type, shared.size) == ("id1", "a.csv", "text/csv", len(data))
    assert shared.tell() == 6 and shared.read(3) == b"a@e" and original.tell() == 6  # positions apart
    assert shared._file_urls == original._file_urls and shared._file_urls is not original._file_urls
    shared.seek(0)
    shared.write(b"EMAIL")  # a write copies the bytes first: the original and the upload stay as they were
    assert original.getvalue() is data and data.startswith(b"email") and shared.getvalue().startswith(b"EMAIL")
    assert copy.deepcopy([original, original])[0] is not original  # what deepcopy does is unchanged here
