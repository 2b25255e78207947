"""moto in server mode, with each request handled atomically.

moto serves requests on threads with no locking inside its backends, so two concurrent
conditional writes to one item can both pass their checks. DynamoDB never allows that:
item-level writes are atomic. Handling one request at a time gives the emulator the same
guarantee, so concurrency tests exercise our conditional writes, not the emulator's races.

It also answers `GET /_devstack/sms`: the SMS messages SNS accepted, so tests and the local
stack can see what would have been sent without moto's whole-state dump (/moto-api/data.json
serialises every tracked object and grows slow as a test session fills the tables).
"""
from __future__ import annotations

import argparse
import json
import os
import threading
from typing import Any, Callable, Iterable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

from moto.server import MotoRequestHandler  # type: ignore[attr-defined]


SMS_PATH = "/_devstack/sms"


def sent_sms() -> list[dict[str, str]]:
    """Every SMS accepted by the emulator's SNS, in every account and region, oldest first."""
    from moto.sns.models import sns_backends

    return [{"message_id": message_id, "phone_number": phone, "message": text}
            for account in sns_backends.values() for backend in account.values()
            for message_id, (phone, text) in backend.sms_messages.items()]


class OneRequestAtATime:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ.get("PATH_INFO") == SMS_PATH:
            with self._lock:
                body = json.dumps(sent_sms(), ensure_ascii=False).encode()
            start_response("200 OK", [("Content-Type", "application/json; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]
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
