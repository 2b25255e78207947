"""The local stack as one reusable piece: emulator, provisioning, seed, stream pump, `chalice local`.

`make run` (devstack/run.py) starts it on the ports of .chalice/config.json; tests and
benchmarks start it on free ports so that several copies can run side by side.

`chalice local` applies the stage's environment variables from .chalice/config.json over the
process environment, so other ports cannot be passed in by environment. For other ports the
stack serves the app from an overlay project directory: symlinks to app.py and chalicelib/ and a
copy of .chalice/config.json whose local stage names those ports. The code served is the same.

With a `public_port`, the stack is what people use: the same-origin front (devstack/front.py)
serves the web app and proxies the API there, and `chalice local` listens behind it on
`api_port`; the links the API writes (checkout, verification) name the public port.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlparse
from urllib.request import urlopen

from devstack.config import ROOT, local_environment
from devstack.emulator import Emulator, _free_port
from devstack.front import WEB_DIST, Front

Log = Callable[[str], None]


def _print(message: str) -> None:
    print(message, flush=True)


def overlay_project(env: dict[str, str], stage: str = "local") -> Path:
    """A project directory serving this repository's code with `env` as the stage's variables."""
    directory = Path(tempfile.mkdtemp(prefix="rukhsa-stack-"))
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    config["stages"][stage].setdefault("environment_variables", {}).update(env)
    (directory / ".chalice").mkdir()
    (directory / ".chalice" / "config.json").write_text(json.dumps(config, indent=2))
    for name in ("app.py", "chalicelib"):
        (directory / name).symlink_to(ROOT / name)
    return directory


@dataclass
class LocalStack:
    """A running local stack; `stop()` ends everything it started."""

    api_url: str
    emulator: Emulator
    api: subprocess.Popen
    stopping: threading.Event
    pump_thread: threading.Thread
    queue_thread: Optional[threading.Thread] = None
    overlay: Optional[Path] = None
    env: dict[str, str] = field(default_factory=dict)
    front: Optional[Front] = None

    @property
    def public_url(self) -> str:
        """Where people and the README's curl commands reach the stack."""
        return self.front.url if self.front is not None else self.api_url

    @classmethod
    def start(cls, api_port: Optional[int] = None, emulator_port: Optional[int] = None,
              log: Log = _print, public_port: Optional[int] = None,
              web_root: Path = WEB_DIST) -> "LocalStack":
        """Start on the given ports (None: a free port); both default to the config's when equal.
        `public_port`: also serve the web app there, with the API under the same origin."""
        env = local_environment()
        configured_public_port = urlparse(env["PUBLIC_BASE_URL"]).port
        configured_emulator_port = urlparse(env["AWS_ENDPOINT_URL"]).port
        api_port = api_port or _free_port()
        emulator_port = emulator_port or _free_port()
        public = public_port or api_port
        env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{emulator_port}"
        for name in ("VERIFY_BASE_URL", "PUBLIC_BASE_URL"):
            env[name] = f"http://127.0.0.1:{public}"
        emulator = Emulator.start(port=emulator_port)
        os.environ.update(env)
        log(f"emulator: moto server at {emulator.endpoint_url}")
        from devstack.provision import provision, seed

        stream_arns = provision(env["TABLE_PREFIX"], env["FILES_BUCKET"], env["SEAL_KEY_IDS"])
        for name, arn in stream_arns.items():
            os.environ[f"{name.upper()}_STREAM_ARN"] = arn
        seed(datetime.now(timezone.utc).isoformat())
        log("provisioned tables, bucket, seal key, SMS settings, queues; catalogue seeded")

        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        import app as app_module
        from devstack.run import start_queue_pump, stream_handlers
        from devstack.streams import StreamPump

        stopping = threading.Event()
        pump = StreamPump(stream_handlers(app_module), stream_arns, env["TABLE_PREFIX"],
                          on_failure=lambda e: log(f"stream handler failed: {e!r}"))
        pump_thread = threading.Thread(
            target=pump.run_forever, args=(stopping.is_set,),
            kwargs={"on_error": lambda e: log(f"stream pump failed: {e!r}")}, daemon=True)
        pump_thread.start()
        queue_thread = start_queue_pump(app_module, env["TABLE_PREFIX"], stopping, log)
        same_ports = (public, emulator_port) == (configured_public_port, configured_emulator_port)
        overlay = None if same_ports else overlay_project(env)
        project_dir = ROOT if overlay is None else overlay
        # `chalice local --no-autoreload`, answering what API Gateway answers itself as in AWS
        api = subprocess.Popen(
            [sys.executable, "-m", "devstack.gateway", "--project-dir", str(project_dir),
             "--stage", "local", "--host", "127.0.0.1", "--port", str(api_port)],
            cwd=ROOT, env=os.environ.copy())
        api_url = f"http://127.0.0.1:{api_port}"
        front = None
        if public_port:
            front = Front(public_port, api_url, web_root, file_origins=(emulator.endpoint_url,))
            log(f"front: web app and API at {front.url} (chalice local at {api_url})")
        return cls(api_url=api_url, emulator=emulator, api=api, stopping=stopping,
                   pump_thread=pump_thread, queue_thread=queue_thread, overlay=overlay, env=env,
                   front=front)

    def wait_until_ready(self, timeout_seconds: float = 60) -> None:
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if self.api.poll() is not None:
                raise RuntimeError("chalice local exited at start")
            try:
                with urlopen(f"{self.api_url}/openapi.json", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("chalice local did not become ready")

    def serve_until_stopped(self, log: Log = _print) -> None:
        """Block until `stopping` is set or `chalice local` exits."""
        while not self.stopping.wait(0.5):
            if self.api.poll() is not None:
                log("chalice local exited")
                break

    def stop(self) -> None:
        self.stopping.set()
        if self.front is not None:
            self.front.stop()
        if self.api.poll() is None:
            self.api.terminate()
            try:
                self.api.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.api.kill()
        self.pump_thread.join(timeout=5)
        if self.queue_thread is not None:
            self.queue_thread.join(timeout=5)
        self.emulator.stop()
        if self.overlay is not None:
            shutil.rmtree(self.overlay, ignore_errors=True)
