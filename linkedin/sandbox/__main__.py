"""`python -m linkedin.sandbox --port N [--host 127.0.0.1] [--seed 7]`: serve the sandbox alone."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from . import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m linkedin.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.run(create_app(seed=args.seed), host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
