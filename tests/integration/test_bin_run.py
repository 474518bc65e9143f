"""``bin/run``'s choice of address: on the sandbox the app listens on 127.0.0.1 unless told otherwise.

The script is sourced (as ``bin/test`` does: sourced, it starts nothing) from a copy in a
temporary folder, so the secrets file it reads is the test's own, and ``streamlit_args``
prints the arguments ``main`` hands to ``streamlit run``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ["--server.address", "127.0.0.1"]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "run", tmp_path / "bin" / "run")
    (tmp_path / ".streamlit").mkdir()
    return tmp_path


def streamlit_args(project: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LINKEDIN_", "STREAMLIT_"))}
    out = subprocess.run(
        ["bash", "-c", f'source "{project}/bin/run"; VPY="{sys.executable}"; streamlit_args "$@"', "bin/run", *args],
        env={**clean, **(env or {})}, capture_output=True, check=True, timeout=30,
    ).stdout.decode()
    return out.split("\0")[:-1]


def test_the_sandbox_listens_on_loopback_only(project):
    assert streamlit_args(project) == LOCAL
    assert streamlit_args(project, "--server.port", "8502", "a b\nc") == [*LOCAL, "--server.port", "8502", "a b\nc"]


@pytest.mark.parametrize("args,env", [
    (["--server.address", "0.0.0.0"], {}),
    (["--server.address=0.0.0.0"], {}),
    ([], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}),
])
def test_an_address_given_on_purpose_is_kept(project, args, env):
    assert streamlit_args(project, *args, env=env) == args


def test_real_linkedin_keeps_streamlits_default(project):
    assert streamlit_args(project, "--server.port", "80", env={"LINKEDIN_CLIENT_ID": "86abc"}) == ["--server.port", "80"]
    (project / ".streamlit" / "secrets.toml").write_text('[linkedin]\nclient_id = "86abc"\n')
    assert streamlit_args(project) == []


@pytest.mark.parametrize("secrets", ['[linkedin]\nclient_id = ""\n', "[other]\nclient_id = 'x'\n", "not = [toml"])
def test_secrets_without_a_client_id_mean_the_sandbox(project, secrets):
    (project / ".streamlit" / "secrets.toml").write_text(secrets)
    assert streamlit_args(project) == LOCAL


def test_main_runs_streamlit_with_those_arguments():
    script = (ROOT / "bin" / "run").read_text()
    main = script[script.index("main() {"):]
    assert 'mapfile -d \'\' -t args < <(streamlit_args "$@")' in main
    assert 'exec "$VPY" -m streamlit run app.py "${args[@]}"' in main
