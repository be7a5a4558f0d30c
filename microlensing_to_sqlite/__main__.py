"""`python -m microlensing_to_sqlite` (or `./build` at the top of the repository): see cli.py."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
