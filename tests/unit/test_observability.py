"""The handlers' Logger is Powertools' Logger, built on its first line (chalicelib/observability.py),
with the correlation id the API middleware set before it existed."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_logger_is_built_on_first_use_and_carries_the_correlation_id():
    script = (
        "import sys\n"
        "from chalicelib.observability import logger\n"
        "logger.set_correlation_id('req-123')\n"
        "assert 'aws_lambda_powertools' not in sys.modules, 'built before anything was logged'\n"
        "logger.info('seal refused', extra={'reason': 'bad_signature'})\n"
        "logger.set_correlation_id('req-456')\n"
        "logger.warning('second line')\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={"PATH": "/usr/bin", "LOG_LEVEL": "INFO"})
    assert result.returncode == 0, result.stderr
    first, second = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert (first["message"], first["correlation_id"], first["reason"]) == (
        "seal refused", "req-123", "bad_signature")
    assert (first["service"], first["level"]) == ("rukhsa-core", "INFO")
    assert (second["message"], second["correlation_id"]) == ("second line", "req-456")
