"""Start and stop the AWS emulator (moto in server mode) on loopback."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import MutableMapping, Optional
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_REGION": "eu-central-1",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Emulator:
    endpoint_url: str
    process: Optional[subprocess.Popen] = None

    @classmethod
    def start(cls, port: Optional[int] = None) -> "Emulator":
        port = port or _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "devstack.moto_server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        )
        emulator = cls(endpoint_url=f"http://127.0.0.1:{port}", process=process)
        emulator._wait_until_ready()
        return emulator

    def _wait_until_ready(self, timeout_seconds: float = 30) -> None:
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError("moto server exited at start")
            try:
                with urlopen(f"{self.endpoint_url}/moto-api/", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("moto server did not become ready")

    def export_to(self, environ: MutableMapping[str, str]) -> None:
        environ.update(FAKE_CREDENTIALS)
        environ["AWS_ENDPOINT_URL"] = self.endpoint_url

    def reset(self) -> None:
        from urllib.request import Request
        urlopen(Request(f"{self.endpoint_url}/moto-api/reset", method="POST"), timeout=5).read()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
