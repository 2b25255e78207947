"""moto in server mode, with each request handled atomically.

moto serves requests on threads with no locking inside its backends, so two concurrent
conditional writes to one item can both pass their checks. DynamoDB never allows that:
item-level writes are atomic. Handling one request at a time gives the emulator the same
guarantee, so concurrency tests exercise our conditional writes, not the emulator's races.
"""
from __future__ import annotations

import argparse
import os
import threading
from typing import Any, Callable, Iterable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

from moto.server import MotoRequestHandler  # type: ignore[attr-defined]


class OneRequestAtATime:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            # Materialise the body inside the lock: the backend runs while it is produced.
            return list(self._app(environ, start_response))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=4566)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, OneRequestAtATime(app), threaded=True,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
