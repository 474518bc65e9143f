"""Command line: ``python -m linkedin <command>``.

Today: ``sandbox`` (the LinkedIn sandbox alone, for tests, scripts and benchmarks).
The scheduled-sync commands (login, status, accounts, segments, sync, uploads) come
with the command-line issue.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m linkedin", description="LinkedIn Matched Audiences workbench")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    sandbox = commands.add_parser("sandbox", help="run the offline LinkedIn sandbox alone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--seed", type=int, default=7)
    sandbox.add_argument("--population", type=int, default=None, help="synthetic members (default 5000)")
    sandbox.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    if args.command == "sandbox":
        from linkedin.sandbox.__main__ import main as serve

        extra = ["--population", str(args.population)] if args.population else []
        serve(["--host", args.host, "--port", str(args.port), "--seed", str(args.seed), "--log-level", args.log_level, *extra])
    return 0


if __name__ == "__main__":
    sys.exit(main())
