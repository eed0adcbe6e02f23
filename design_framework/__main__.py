"""``python -m design_framework check|render|report``: the command line the design names
(shared contract), kept where people type it.

This file is the package's one application module: it sits on top of both packages, as the
app's pages do, and hands the commands to ``scenarios.commands`` (they read scenario files).
The library itself never imports ``scenarios``, which builds on it (tests/test_layout.py
checks every other module of the package). ``python -m scenarios`` takes the same commands
beside validate, list and schema.
"""

import argparse
import sys

from scenarios.commands import add_commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m design_framework",
        description="Check, render or grade ML system designs and practice sessions.",
    )
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
