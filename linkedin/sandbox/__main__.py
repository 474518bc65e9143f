"""`python -m linkedin.sandbox --port N [--host 127.0.0.1] [--seed 7] [--population 5000]
[--public-host NAME]`: serve the sandbox alone (a bigger population gives realistic match
rates on million-row uploads). Its controls and consent screen answer only on loopback names
unless ``--public-host`` names the host a demo shown on purpose is reached by (hosts.py)."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from .hosts import exposed
from .server import create_app
from .world import DEFAULT_POPULATION


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m linkedin.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--population", type=int, default=DEFAULT_POPULATION,
                        help="synthetic members uploads match against (about 9 s to build a million)")
    parser.add_argument("--public-host", action="append", default=[], metavar="NAME",
                        help="a host name other machines reach this demo by (repeatable); loopback names always work")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = exposed(args.public_host) if args.public_host else None
    app = create_app(settings, seed=args.seed, population_size=args.population)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
