import sys

from design_framework.cli import main

sys.exit(main())
