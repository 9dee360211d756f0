"""One worker process of ``docsec serve --workers N`` (started by its supervisor).

``python -m docsec_cli._serve_worker SOCKET_FD READY_FD PARENT_PID OPTIONS_JSON``:
serves the application of ``$DOCSEC_SERVICE_SETTINGS`` on the inherited socket
(:func:`docsec_cli._serve_workers.run_worker`).
"""

from __future__ import annotations

import socket
import sys


def main(argv: list[str]) -> int:
    """Run the worker; return its exit code."""
    from docsec_cli._serve_workers import WorkerOptions, run_worker

    sock_fd, ready_fd, parent, options = argv
    sock = socket.socket(fileno=int(sock_fd))
    return run_worker(
        sock,
        WorkerOptions.from_json(options),
        ready_fd=int(ready_fd),
        parent=int(parent),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
