"""``python -m design_framework`` moved: the command line reads scenarios, and the framework
never imports the scenario package (it builds on this one), so it lives there."""

import sys

print(
    "The command line is `python -m scenarios` now: check, render and report as before, "
    "beside validate, list and schema.",
    file=sys.stderr,
)
sys.exit(2)
