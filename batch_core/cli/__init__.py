"""The command line: `python -m batch_core submit|status|list|cancel|retry|resume|redis|worker`.

    main.py    the commands over batch_core's public API
    worker.py  `python -m batch_core.cli.worker` / `batch_core worker`: RQ worker processes
"""
from batch_core.cli.main import main

__all__ = ["main"]
