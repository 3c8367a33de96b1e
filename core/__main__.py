"""`python -m core --help`: variance studies and exact values from the command line."""

import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main())
