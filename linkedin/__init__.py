"""LinkedIn Matched Audiences: the library behind the app, the CLI and notebooks.

Never imports Streamlit. Modules are named after one noun each: ``config``, ``auth``,
``client``, ``restli``, ``errors``, ``connection``, ``store``, ``routes``; the
offline double of LinkedIn lives in ``linkedin.sandbox``.
"""

# ``from linkedin import Audiences`` without importing pandas, plotly and the rest at
# ``import linkedin``: the app, the sandbox and the CLI's `sandbox` command never pay for it.
_LAZY = {"Audiences": "linkedin.notebook.audiences", "BadInput": "linkedin.notebook.audiences", "SignInAgain": "linkedin.notebook.audiences"}
__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'linkedin' has no attribute {name!r}")
