"""Inputs of the notebook API and the CLI: what they accept, and the one-line refusal of the rest.

``BadInput`` (a ValueError): the caller's input cannot be used (an unknown account, a
segment of the other type, a role that cannot write); the message names the problem.
``kind_of`` and ``segment_id`` read the usual spellings of a segment kind and a segment.
(How to sign in again is ``linkedin.api.errors.SignInAgain``.)
"""

from __future__ import annotations

from typing import Any

from linkedin.api.segments import Segment

KINDS = {"users": "users", "user": "users", "companies": "companies", "company": "companies"}


class BadInput(ValueError):
    """The caller's input cannot be used; the message names the problem in one line."""


def kind_of(kind: str) -> str:
    """``users`` or ``companies`` from any usual spelling (USER, company, ...)."""
    found = KINDS.get(str(kind).strip().lower())
    if found is None:
        raise BadInput(f"kind must be users or companies, not {kind!r}")
    return found


def segment_id(segment: Any) -> int:
    """A segment's numeric id from an int, a digit string, a URN or a Segment."""
    if isinstance(segment, Segment):
        return segment.id
    text = str(segment).strip().rsplit(":", 1)[-1]
    if isinstance(segment, bool) or not text.isdigit():
        raise BadInput(f"a segment is given by its numeric id, not {segment!r}")
    return int(text)
