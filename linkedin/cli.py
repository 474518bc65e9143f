"""The command line, ``python -m linkedin <command>``: scheduled syncs with the same library as the app.

Every command goes through ``linkedin.notebook.audiences.Audiences``. Read commands print a table,
or with ``--json`` one JSON object whose shape is documented in ``SHAPES`` below (and
in the README). Exit codes (``EXIT_*``): 0 success; 1 a failure LinkedIn reported
(the failing rows are printed); 2 bad usage or bad input, one line naming the problem;
3 the connection needs a person (``python -m linkedin login``); 130 interrupted. Progress
goes to stderr, and only when stderr is a terminal, so cron mails stay clean.

Settings come from the environment or ``.streamlit/secrets.toml`` as for the app, plus
``LINKEDIN_ACCESS_TOKEN`` (a token to use as is, without the local token store). With
no client id the sandbox is used: the one mounted in a running app by default, or
``LINKEDIN_API_BASE_URL=LINKEDIN_OAUTH_BASE_URL=http://127.0.0.1:8765`` for
``python -m linkedin sandbox``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from datetime import datetime
from typing import Any

EXIT_OK, EXIT_LINKEDIN, EXIT_INPUT, EXIT_CONSENT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

# The --json shapes (stable: fields are only ever added). In "segments", input_count, matched_count and
# match_rate cover LinkedIn's uploads of the last counts_window_days (7) days, and no_recent_uploads is true
# for an audience without them; audience_size covers all input. ready means targetable and serving;
# readiness is "targetable, serving", "targetable, not serving" or "not targetable, not serving".
SHAPES = {
    "status": '{"source", "state", "ok", "member": {"urn", "name"}, "access_expires_at", "refresh_expires_at", '
              '"scopes": [], "missing_scopes": [], "heartbeat": {"ok", "checked_at", "introspection", "api_call", '
              '"message"} | null, "reason", "setup": [what the settings lack for real LinkedIn]}',
    "accounts": '{"accounts": [{"id", "name", "status", "role", "can_manage", "type", "currency", "test", "urn"}], '
                '"problems": []}',
    "segments": '{"account": {"id", "name", "role", "can_manage"}, "segments": [{"id", "name", "type", "status", '
                '"input_count", "matched_count", "match_rate", "audience_size", "readiness", "ready", "why", "ours", '
                '"source_platform", "created", "last_modified", "destination_segment_urn", "counts_window_days", '
                '"no_recent_uploads", "match_rate_text", "targetable", "serving", "readiness_text"}], "problems": []}',
    "create-segment": '{"id", "name", "account", "type"}',
    "sync": '{"dry_run": false, "quality": {...}, "run": {upload}, "needs_consent", "results": {result: rows}, '
            '"failures": [{"row", "action", "result", "http_status", "message"}], "rejections": [{"reason", "count"}], '
            '"plan": {...}}; '
            'with --dry-run: {"dry_run": true, "quality": {...}, "plan": {"segment": {...}, "mode", "add", "remove", '
            '"unchanged", "in_ledger", "after", "warnings": [], "preview": {"add_rows", "remove_rows", "remove_keys"}}}',
    "uploads": '{"uploads": [{"id", "segment_id", "segment_name", "account", "kind", "mode", "state", "total", '
               '"accepted", "rejected", "pending", "needs_file", "resumable", "created", "updated", "message"}]}; '
               'with --resume: the shape of sync',
    "insights": '{"account": {"id", "name"}, "funnels": [{"run_id", "segment_id", "segment", "steps": [{"step", '
                '"count", "note"}], "biggest_loss"}], "mix": [{"segment_id", "segment", "kind", "runs", "rows", '
                '"match_rate", "personal", "hashed", "ad_id", "name_only", "page", "domain_only", "company_name_only", '
                '"advice": []}], "campaign_usage": [{"segment_id", "segment", "used", "campaigns": [{"id", "name", '
                '"status", "use"}]}], "attention": [{...}], "overlap": [{"segment_a", "segment_b", "size_a", "size_b", '
                '"shared", "share_of_a", "share_of_b", "jaccard"}], "problems": []}',
}

SEGMENT_TABLE = {"segment_id": "segment_id", "name": "name", "type": "type", "status": "status",
                 "input_count": "input_7d", "matched_count": "matched_7d", "match_rate_text": "match_rate",
                 "audience_size": "audience_size", "readiness_text": "readiness"}  # column: its header
SEGMENT_JSON = ("name", "type", "status", "input_count", "matched_count", "match_rate", "audience_size", "readiness",
                "ready", "why", "ours", "source_platform", "created", "last_modified", "destination_segment_urn",
                "counts_window_days", "no_recent_uploads", "match_rate_text", "targetable", "serving",
                "readiness_text")
UPLOAD_TABLE = ["id", "state", "mode", "kind", "segment_id", "segment_name", "total", "accepted", "rejected",
                "pending", "needs_file", "updated"]
SANDBOX_HINT = ("Is the app running (bin/run)? Or start `python -m linkedin sandbox` and set "
                "LINKEDIN_API_BASE_URL=LINKEDIN_OAUTH_BASE_URL=http://127.0.0.1:8765.")


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line (exit code 2, as argparse does)."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m linkedin", description="LinkedIn Matched Audiences from the command line.",
                     epilog="Exit codes: 0 ok, 1 LinkedIn reported a failure, 2 bad usage or input, "
                            "3 sign in again (python -m linkedin login).")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each API call (never a token) to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command", parser_class=_Parser)

    def command(name: str, help_: str, *, json_flag: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_, description=help_)
        if json_flag:
            sub.add_argument("--json", action="store_true", help=f"print JSON: {SHAPES[name]}")
        return sub

    login = command("login", "sign in to LinkedIn in the browser; the tokens stay in the local store",
                    json_flag=False)
    login.add_argument("--no-browser", action="store_true", help="print the address to open instead of opening it")
    login.add_argument("--member", help="sandbox only: answer the consent screen as this demo member (e.g. 'Avery')")
    login.add_argument("--timeout", type=float, default=300, help="seconds to wait for the consent (default 300)")

    command("status", "token health: valid, expiry times, scopes, and a live check")
    command("accounts", "ad accounts with status and your role")
    segments = command("segments", "segments of one ad account: status, counts, match rate, readiness")
    segments.add_argument("--account", required=True, help="ad account id, URN or exact name")

    create = command("create-segment", "create a segment of users or companies")
    create.add_argument("--account", required=True, help="ad account id, URN or exact name")
    create.add_argument("--name", required=True)
    create.add_argument("--type", required=True, type=str.upper, choices=["USER", "COMPANY"])
    create.add_argument("--description")

    sync = command("sync", "send a CSV or Excel file of users or companies to a segment")
    sync.add_argument("kind", choices=["users", "companies"])
    sync.add_argument("file", metavar="FILE")
    sync.add_argument("--segment", required=True, help="segment id")
    sync.add_argument("--mode", required=True, choices=["add", "remove", "mirror"])
    sync.add_argument("--dry-run", action="store_true", help="print the quality report and the plan; send nothing")
    _file_options(sync)

    uploads = command("uploads", "the latest upload runs; --resume sends what an interrupted one has left")
    uploads.add_argument("--resume", metavar="RUN_ID")
    uploads.add_argument("--file", help="with --resume: the same file again (needed when the run says so)")
    uploads.add_argument("--limit", type=int, default=20, help="runs to list (default 20)")
    _file_options(uploads)

    insights = command("insights", "match insights of one ad account: the funnel of recent uploads, the identifier "
                                   "mix against the match rate, campaign usage, and overlap")
    insights.add_argument("--account", required=True, help="ad account id, URN or exact name")

    sandbox = commands.add_parser("sandbox", help="run the offline LinkedIn sandbox alone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--seed", type=int, default=7)
    sandbox.add_argument("--population", type=int, default=None, help="synthetic members (default 5000)")
    sandbox.add_argument("--public-host", action="append", default=[], metavar="NAME",
                         help="a host name other machines reach this demo by (repeatable), with --host 0.0.0.0")
    sandbox.add_argument("--log-level", default="info")
    return parser


def _file_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                     help="feed a field from a column (repeatable), e.g. --map email='E-mail address'")
    sub.add_argument("--results", metavar="CSV", help="write one result per input row here (no personal data)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "sandbox":
        from linkedin.sandbox.__main__ import main as serve

        extra = ["--population", str(args.population)] if args.population else []
        extra += [arg for host in args.public_host for arg in ("--public-host", host)]
        serve(["--host", args.host, "--port", str(args.port), "--seed", str(args.seed), "--log-level", args.log_level,
               *extra])
        return EXIT_OK
    if args.verbose:  # our loggers only: they never log a token (oauthlib's debug logs would)
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s: %(message)s")
        logging.getLogger("linkedin").setLevel(logging.INFO)
    return run(args)


def run(args: argparse.Namespace) -> int:
    """One command, its failures turned into a one-line message and an exit code."""
    from linkedin.api.errors import ConnectionFailed, LinkedInError

    settings = None
    try:
        from linkedin.api import settings as config

        settings = config.load()
        return COMMANDS[args.command](args, settings)
    except LinkedInError as err:
        if err.needs_consent:
            _fail(f"{err.message.rstrip('.')}. Sign in again: python -m linkedin login")
            return EXIT_CONSENT
        hint = f" {SANDBOX_HINT}" if isinstance(err, ConnectionFailed) and settings and settings.sandbox else ""
        _fail(f"{err}. {err.advice}{hint}")
        return EXIT_LINKEDIN
    except ValueError as err:  # BadInput, TableError and the library's other input checks
        _fail(str(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        _fail("interrupted")
        return EXIT_INTERRUPTED


def _fail(message: str) -> None:
    print("error: " + " ".join(message.split()), file=sys.stderr)


def _audiences(settings):
    from linkedin.notebook.audiences import Audiences

    return Audiences.stored(settings=settings)


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _records(frame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts: missing values null, times ISO 8601."""
    import pandas as pd

    out = []
    for rec in frame.to_dict("records"):
        clean = {}
        for k, v in rec.items():
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
                v = None
            elif isinstance(v, pd.Timestamp):
                v = v.isoformat(timespec="seconds")
            elif hasattr(v, "item"):
                v = v.item()
            clean[k] = v
        out.append(clean)
    return out


def _table(frame, columns: list[str]) -> str:
    if frame.empty:
        return "(none)"
    return frame[columns].to_string(index=False, na_rep="")


def _mapping(pairs: list[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    out = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column:
            raise ValueError(f"--map takes FIELD=COLUMN, not {pair!r}")
        out[field.strip().lower()] = column
    return out


def _progress():
    return sys.stderr if sys.stderr.isatty() else False


# commands ----------------------------------------------------------------------------

def cmd_login(args, settings) -> int:
    from linkedin.notebook.audiences import Audiences

    if args.member is not None and not settings.sandbox:
        raise ValueError("--member works only with the sandbox (no LINKEDIN_CLIENT_ID set)")
    aud = Audiences.connect(settings=settings, fresh=True, member=args.member, open_browser=not args.no_browser,
                            timeout=args.timeout)
    health = aud.status()
    print(f"Signed in{' as ' + health.member_name if health.member_name else ''}; tokens kept in {settings.db_path}.")
    print(health.text())
    return EXIT_OK if health.ok else EXIT_LINKEDIN


def cmd_status(args, settings) -> int:
    health = _audiences(settings).status()
    _print_json(health.as_dict()) if args.json else print(health.text())
    if health.state != "connected":
        return EXIT_CONSENT
    return EXIT_OK if health.ok else EXIT_LINKEDIN


def cmd_accounts(args, settings) -> int:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the problems are printed below
        frame = _audiences(settings).accounts()
    problems = frame.attrs.get("problems", [])
    if args.json:
        _print_json({"accounts": _records(frame), "problems": problems})
    else:
        print(_table(frame, ["id", "name", "status", "role", "can_manage"]))
        for p in problems:
            print(f"note: {p}", file=sys.stderr)
    return EXIT_OK


def cmd_segments(args, settings) -> int:
    from linkedin.api.segment_numbers import WINDOW

    aud = _audiences(settings)
    account = aud.account(args.account)
    frame = aud.segments(account.id)
    problems = frame.attrs.get("problems", [])
    if args.json:
        rows = [{"id": r["segment_id"], **{k: r[k] for k in SEGMENT_JSON}} for r in _records(frame)]
        _print_json({"account": {"id": account.id, "name": account.name, "role": account.role,
                                 "can_manage": account.can_manage}, "segments": rows, "problems": problems})
    else:
        print(f"{account.label}: {len(frame)} segment(s); your role: {account.role}")
        shown = frame[list(SEGMENT_TABLE)].rename(columns=SEGMENT_TABLE)
        print(_table(shown, list(SEGMENT_TABLE.values())))
        if len(frame):
            print(f"input_7d, matched_7d and match_rate cover the uploads of the {WINDOW}; audience_size covers "
                  "everything uploaded.")
    return EXIT_OK


def cmd_create_segment(args, settings) -> int:
    created = _audiences(settings).create_segment(account=args.account, name=args.name, kind=args.type,
                                                  description=args.description)
    if args.json:
        _print_json({"id": created.id, "name": created.name, "account": created.account_urn, "type": created.type})
    else:
        print(f"Created segment {created.id} “{created.name}” ({created.type}) in {created.account_urn}.")
    return EXIT_OK


def _freeze_imports() -> None:
    """Take what is loaded out of the collector's walks before a send builds its elements.

    The app's server does the same once (``ui/startup.py``, where the why is measured): one
    collection, then ``gc.freeze()``. A front door's decision; the library never makes it."""
    import gc

    gc.collect()
    gc.freeze()


def cmd_sync(args, settings) -> int:
    aud = _audiences(settings)
    _freeze_imports()
    mapping = _mapping(args.map)
    if args.dry_run:
        plan = aud.plan(args.file, segment=args.segment, mode=args.mode, kind=args.kind, mapping=mapping)
        if args.json:
            _print_json({"dry_run": True, "quality": plan.check.summary, "plan": plan.as_dict()})
        else:
            print(plan.check.text())
            print(plan.text())
            print("Dry run: nothing was sent.")
        return EXIT_OK
    result = aud.sync(args.file, segment=args.segment, mode=args.mode, kind=args.kind, mapping=mapping,
                      progress=_progress())
    return _report(args, result)


def cmd_uploads(args, settings) -> int:
    aud = _audiences(settings)
    if args.resume is None:
        if args.file or args.map or args.results:
            raise ValueError("--file, --map and --results go with --resume RUN_ID")
        frame = aud.uploads(limit=args.limit)
        if args.json:
            _print_json({"uploads": _records(frame)})
        else:
            print(_table(frame, UPLOAD_TABLE))
        return EXIT_OK
    run = aud.upload(args.resume)
    if run.needs_file and not args.file:
        raise ValueError(f"run {run.id} needs its file again (names, titles and company fields are never "
                         "stored): add --file FILE")
    _freeze_imports()
    result = aud.resume(run.id, args.file, mapping=_mapping(args.map), progress=_progress())
    return _report(args, result)


def cmd_insights(args, settings) -> int:
    data = _audiences(settings).insights(args.account)
    if args.json:
        _print_json(data)
        return EXIT_OK
    from linkedin.notebook.insight_frames import report_text

    print(report_text(data))
    for problem in data["problems"]:
        print(f"note: {problem}", file=sys.stderr)
    return EXIT_OK


def _report(args, result) -> int:
    """A sync's outcome: the report, the failing rows, and the exit code they mean."""
    if getattr(args, "results", None):
        from linkedin.tables import exports

        with open(args.results, "wb") as out:  # cells that look like formulas neutralized
            out.write(exports.to_csv(result.frame))
    if args.json:
        data = {"dry_run": False, **result.as_dict()}
        if result.plan is not None:
            data["quality"] = result.plan.check.summary
        _print_json(data)
    else:
        if result.plan is not None:
            print(result.plan.check.text())
            print(result.plan.text())
        print(result.text())
    if result.ok:
        return EXIT_OK
    return EXIT_CONSENT if result.needs_consent else EXIT_LINKEDIN


COMMANDS = {
    "login": cmd_login, "status": cmd_status, "accounts": cmd_accounts, "segments": cmd_segments,
    "create-segment": cmd_create_segment, "sync": cmd_sync, "uploads": cmd_uploads, "insights": cmd_insights,
}
