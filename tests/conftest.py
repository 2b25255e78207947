import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def emulator():
    """A moto server on loopback, as a separate process: the wire path is HTTP, as in AWS."""
    from devstack.emulator import Emulator

    with Emulator.start() as emu:
        emu.export_to(os.environ)
        yield emu
