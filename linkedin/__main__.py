"""``python -m linkedin <command>``: the command line (see ``linkedin.cli``).

Commands: login, status, accounts, segments, create-segment, sync, uploads, and
sandbox (the offline LinkedIn sandbox alone, for tests, scripts and benchmarks).
"""

from __future__ import annotations

import sys

from linkedin.cli import main

if __name__ == "__main__":
    sys.exit(main())
