"""`python -m geo` and the `geo` console script."""

import sys

from geo.cli import main

if __name__ == "__main__":
    sys.exit(main())
