"""Entry point for `python -m batch_core`."""
import sys

from batch_core.cli import main

if __name__ == "__main__":
    sys.exit(main())
