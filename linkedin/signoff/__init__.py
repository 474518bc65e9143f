"""Sign-off readiness: LinkedIn's Audiences requirements MA-001..MA-107 checked live, with evidence.

    from linkedin import signoff
    run = signoff.run(connection, signoff.Options(allow_writing=False))
    signoff.markdown(run); signoff.html(run); signoff.Runs(store).latest(owner)

Modules: ``runner`` (the list of checks and the run), ``basics`` / ``core`` / ``writing``
(the checks), ``context`` (what they run with), ``evidence`` (what they leave), ``tap`` (the
recorded calls), ``report`` (Markdown and HTML), ``runs`` (the last runs in the store).
"""

from linkedin.signoff.environment import DEFAULT_SEGMENT_NAME, Context, Options
from linkedin.signoff.evidence import FAIL, PASS, SKIPPED, Call, Evidence, Run
from linkedin.signoff.report import filename, html, markdown
from linkedin.signoff.runner import CHECKS, IDS, Check, run, run_check
from linkedin.signoff.runs import KEEP, Runs

__all__ = [
    "CHECKS", "DEFAULT_SEGMENT_NAME", "FAIL", "IDS", "KEEP", "PASS", "SKIPPED", "Call", "Check", "Context",
    "Evidence", "Options", "Run", "Runs", "filename", "html", "markdown", "run", "run_check",
]
