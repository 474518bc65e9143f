"""`python -m linkedin.sandbox --port N [--host 127.0.0.1] [--seed 7] [--population 5000]`: serve the
sandbox alone (a bigger population gives realistic match rates on million-row uploads)."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from .server import create_app
from .world import DEFAULT_POPULATION


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m linkedin.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--population", type=int, default=DEFAULT_POPULATION,
                        help="synthetic members uploads match against (about 9 s to build a million)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(seed=args.seed, population_size=args.population)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
