"""Entry point for `python -m batch_core.api`."""
from batch_core.api.app import main

if __name__ == "__main__":
    main()
