"""LinkedIn Matched Audiences: the library behind the app, the CLI and notebooks.

    from linkedin import Audiences
    aud = Audiences.sandbox()              # or Audiences.connect() for LinkedIn
    aud.segments()                         # every segment of every ad account, a DataFrame
    aud.sync(df, segment=123, mode="add")  # a DataFrame or a file of people or companies

The public names here are the notebook API (``Audiences`` and its input error ``BadInput``)
and LinkedIn's errors (``linkedin.api.errors``). Everything else is imported from its
package: ``api`` (LinkedIn's HTTP contract), ``tables`` (an analyst's table to batch
elements), ``sync`` (ledger, runs, sending), ``insights`` (portfolio, history, charts),
``signoff``, ``demo`` and ``sandbox`` (the offline LinkedIn), ``notebook``, ``web`` and
``cli`` (the front doors). ARCHITECTURE.md draws the map. Never imports Streamlit.
"""

# Looked up on first use: ``import linkedin`` (which the app, the sandbox and the CLI's
# `sandbox` command all do) stays free of pandas, plotly and requests (~0.4 s, ~60 MiB).
_ERRORS = (
    "LinkedInError", "ConnectionFailed", "MalformedResponse", "AuthError", "InvalidToken", "ExpiredToken",
    "RevokedToken", "NeedsConsent", "SignInAgain", "OAuthError", "PermissionDenied", "NotFound", "Conflict",
    "RateLimited", "ServerError", "VersionError", "BadRequest", "NotConfigured", "NotManageable",
)
_LAZY = {
    "Audiences": "linkedin.notebook.audiences",
    "BadInput": "linkedin.notebook.inputs",
    **{name: "linkedin.api.errors" for name in _ERRORS},
}
__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'linkedin' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
