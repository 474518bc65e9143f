"""`python -m linkedin.sandbox --port N [--host 127.0.0.1] [--seed 7] [--population 5000]
[--public-host NAME]`: serve the sandbox alone (a bigger population gives realistic match
rates on million-row uploads). Its controls and consent screen answer only on loopback names
unless ``--public-host`` names the host a demo shown on purpose is reached by (hosts.py).

The app starts it as its own process in sandbox mode (``linkedin/web/sandbox_process.py``)
with three more options: ``--fd`` (a listening socket the parent bound, so no other process
can take the port between choosing and serving it), ``--mount /sandbox`` (its paths under
that prefix, exactly as when it was mounted in the app, so links and forms keep it) and
``--until-stdin-closes`` (it stops when the parent's end of its stdin closes: the parent
exited, even killed, and no sandbox is left behind).
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading

import uvicorn

from .hosts import exposed
from .server import create_app
from .world import DEFAULT_POPULATION

# After the parent is gone: time for the open requests to finish before the process ends anyway.
ORPHAN_GRACE_SECONDS = 5.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m linkedin.sandbox", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fd", type=int, default=None,
                        help="serve on this listening socket, inherited from the parent (instead of --host/--port)")
    parser.add_argument("--mount", default="", metavar="PATH",
                        help="serve every path under PATH, e.g. /sandbox as the app does")
    parser.add_argument("--until-stdin-closes", action="store_true",
                        help="stop when stdin reaches its end (the parent that started this process is gone)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--population", type=int, default=DEFAULT_POPULATION,
                        help="synthetic members uploads match against (about 9 s to build a million)")
    parser.add_argument("--public-host", action="append", default=[], metavar="NAME",
                        help="a host name other machines reach this demo by (repeatable); loopback names always work")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    if args.mount and (not args.mount.startswith("/") or args.mount.endswith("/")):
        parser.error("--mount takes a path like /sandbox: a leading slash and no trailing one")
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = exposed(args.public_host) if args.public_host else None
    app = create_app(settings, seed=args.seed, population_size=args.population)
    if args.mount:
        from starlette.applications import Starlette
        from starlette.routing import Mount

        app = Starlette(routes=[Mount(args.mount, app=app)])
    if args.fd is None and not args.until_stdin_closes:
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
        return
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False,
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    if args.until_stdin_closes:
        threading.Thread(target=_stop_at_end_of_stdin, args=(server,), name="parent-watch", daemon=True).start()
    sockets = [socket.socket(fileno=args.fd)] if args.fd is not None else None
    server.run(sockets=sockets)


def _stop_at_end_of_stdin(server: uvicorn.Server) -> None:
    """Read stdin to its end (nothing is ever written to it), then stop the server, and the process soon after."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    server.should_exit = True
    last = threading.Timer(ORPHAN_GRACE_SECONDS, os._exit, args=(0,))
    last.daemon = True
    last.start()


if __name__ == "__main__":
    main()
