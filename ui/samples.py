"""The sample files offered on the sandbox, so a first segment needs no file of one's own.

``data/contacts_sample.csv`` (people) and ``data/companies_sample.csv`` (companies) are in
LinkedIn's templates. Offered only on the sandbox: on real LinkedIn they would upload
made-up people to a real ad account.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = {"users": DATA / "contacts_sample.csv", "companies": DATA / "companies_sample.csv"}


def offer(kind: str, *, sandbox: bool) -> tuple[str, str, bytes] | None:
    """A button for this kind's sample file; (id, name, content) in the run it is pressed."""
    path = FILES.get(kind)
    if not sandbox or path is None or not path.is_file():
        return None
    if not st.button(f"Use the sample file {path.name}", key=f"{kind}_sample", icon=":material/description:",
                     help="A made-up table in LinkedIn's template, to try the whole path on the sandbox"):
        return None
    data = path.read_bytes()
    return "sample:" + hashlib.sha256(data).hexdigest()[:24], path.name, data
