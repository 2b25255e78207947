"""`make run`: the whole platform on this machine.

Starts the AWS emulator (moto server) on loopback, provisions it from infra/resources.py,
seeds the catalogue rollout, serves the API with `chalice local`, and pumps DynamoDB
Streams into the app's stream handlers. The web app (web/dist) and the API share one origin,
http://127.0.0.1:8000, through devstack/front.py; `chalice local` listens behind it on 8001.
Ctrl-C stops everything it started.
"""
from __future__ import annotations

import os
import signal
import threading
from types import ModuleType
from typing import Any, Callable
from urllib.parse import urlparse

from devstack.config import local_environment

# The public port: the web app and the API (the name predates the web app).
API_PORT = int(os.environ.get("RUKHSA_API_PORT", "8000"))
STREAM_HANDLER_NAMES = {"applications": "on_application_change", "payments": "on_payment_change",
                        "licences": "on_licence_change"}


def chalice_port(public_port: int) -> "int | None":
    """`chalice local`'s own port, behind the front: 8001 next to the usual 8000 (the web app's
    dev server proxies there), else a free one (RUKHSA_CHALICE_PORT overrides)."""
    configured = int(os.environ.get("RUKHSA_CHALICE_PORT", "0"))
    return configured or (8001 if public_port == 8000 else None)


def stream_handlers(app_module: ModuleType) -> dict[str, Callable[[dict, Any], Any]]:
    """The app's stream handlers by table, exactly the functions Lambda would invoke."""
    return {table: getattr(app_module, name) for table, name in STREAM_HANDLER_NAMES.items()
            if hasattr(app_module, name)}


QUEUE_HANDLER_NAMES = {"rukhsa-sms": "sms_sender", "rukhsa-status-list": "status_list_worker",
                       "rukhsa-nightly": "nightly_worker"}


def start_queue_pump(app_module: ModuleType, table_prefix: str, stopping: "threading.Event",
                     log: Callable[[str], None]) -> "threading.Thread | None":
    """Deliver the app's queues to their workers, as Lambda's SQS event source would."""
    from devstack.queues import QueuePump

    handlers = {queue: getattr(app_module, name) for queue, name in QUEUE_HANDLER_NAMES.items()
                if hasattr(app_module, name)}
    if not handlers:
        return None
    pump = QueuePump(handlers, table_prefix,
                     on_failure=lambda e: log(f"queue handler failed, will retry: {e!r}"))
    thread = threading.Thread(
        target=pump.run_forever, args=(stopping.is_set,),
        kwargs={"on_error": lambda e: log(f"queue pump failed: {e!r}")}, daemon=True)
    thread.start()
    return thread


def main() -> int:
    from devstack.local_stack import LocalStack

    emulator_port = int(os.environ.get("RUKHSA_EMULATOR_PORT", "0")) or \
        urlparse(local_environment()["AWS_ENDPOINT_URL"]).port
    stack = LocalStack.start(api_port=chalice_port(API_PORT), emulator_port=emulator_port,
                             public_port=API_PORT)
    print(f"Portal and API: {stack.public_url}  (Ctrl-C stops everything)", flush=True)

    def shutdown(*_: object) -> None:
        stack.stopping.set()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    try:
        stack.serve_until_stopped()
    finally:
        stack.stop()
        print("stopped: API, stream pump and emulator", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
