"""`make run`: the whole platform on this machine.

Starts the AWS emulator (moto server) on loopback, provisions it from infra/resources.py,
seeds the catalogue rollout, serves the API with `chalice local`, and pumps DynamoDB
Streams into the app's stream handlers. Ctrl-C stops everything it started.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone
from types import ModuleType
from typing import Any, Callable
from urllib.parse import urlparse

from devstack.config import ROOT, local_environment
from devstack.emulator import Emulator

API_PORT = int(os.environ.get("RUKHSA_API_PORT", "8000"))
STREAM_HANDLER_NAMES = {"applications": "on_application_change", "payments": "on_payment_change",
                        "licences": "on_licence_change"}


def stream_handlers(app_module: ModuleType) -> dict[str, Callable[[dict, Any], Any]]:
    """The app's stream handlers by table, exactly the functions Lambda would invoke."""
    return {table: getattr(app_module, name) for table, name in STREAM_HANDLER_NAMES.items()
            if hasattr(app_module, name)}


def main() -> int:
    env = local_environment()
    endpoint = urlparse(env["AWS_ENDPOINT_URL"])
    emulator = Emulator.start(port=endpoint.port)
    os.environ.update(env)
    print(f"emulator: moto server at {emulator.endpoint_url}", flush=True)
    from devstack.provision import provision, seed

    stream_arns = provision(env["TABLE_PREFIX"], env["FILES_BUCKET"], env["SEAL_KEY_IDS"])
    for name, arn in stream_arns.items():
        os.environ[f"{name.upper()}_STREAM_ARN"] = arn
    seed(datetime.now(timezone.utc).isoformat())
    print("provisioned tables, bucket, seal key, SMS settings, queues; catalogue seeded", flush=True)

    sys.path.insert(0, str(ROOT))
    import app as app_module
    from devstack.streams import StreamPump

    stopping = threading.Event()
    pump = StreamPump(stream_handlers(app_module), stream_arns)
    pump_thread = threading.Thread(
        target=pump.run_forever, args=(stopping.is_set,),
        kwargs={"on_error": lambda e: print(f"stream handler failed, will retry: {e!r}", flush=True)},
        daemon=True)
    pump_thread.start()
    queue_thread = _start_queue_pump(app_module, env["TABLE_PREFIX"], stopping)
    api = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "chalice"), "local", "--stage", "local",
         "--host", "127.0.0.1", "--port", str(API_PORT), "--no-autoreload"],
        cwd=ROOT, env=os.environ.copy())
    print(f"API: http://127.0.0.1:{API_PORT}  (Ctrl-C stops everything)", flush=True)

    def shutdown(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    try:
        while not stopping.wait(0.5):
            if api.poll() is not None:
                print("chalice local exited", flush=True)
                break
    finally:
        stopping.set()
        if api.poll() is None:
            api.terminate()
            try:
                api.wait(timeout=10)
            except subprocess.TimeoutExpired:
                api.kill()
        pump_thread.join(timeout=5)
        if queue_thread is not None:
            queue_thread.join(timeout=5)
        emulator.stop()
        print("stopped: API, stream pump and emulator", flush=True)
    return 0


QUEUE_HANDLER_NAMES = {"rukhsa-sms": "sms_sender"}


def _start_queue_pump(app_module: ModuleType, table_prefix: str,
                      stopping: threading.Event) -> "threading.Thread | None":
    """Deliver the SMS queue to its worker, as Lambda's SQS event source would."""
    from devstack.queues import QueuePump

    handlers = {queue: getattr(app_module, name) for queue, name in QUEUE_HANDLER_NAMES.items()
                if hasattr(app_module, name)}
    if not handlers:
        return None
    pump = QueuePump(handlers, table_prefix)
    thread = threading.Thread(
        target=pump.run_forever, args=(stopping.is_set,),
        kwargs={"on_error": lambda e: print(f"queue handler failed, will retry: {e!r}", flush=True)},
        daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":
    raise SystemExit(main())
