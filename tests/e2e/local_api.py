"""Serve the app over HTTP as `chalice local` does (Chalice's LocalDevServer, answering what API
Gateway answers itself: devstack/gateway.py), but with the environment this process was given:
`chalice local` would overwrite it from .chalice/config.json, and the e2e stack needs its own
ports, tables and bucket.

    python -m tests.e2e.local_api --port 8123
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from chalice.config import Config
    from devstack.gateway import create_gateway_server

    import app as app_module

    config = Config.create(chalice_stage="local", app_name="rukhsa",
                           chalice_app=app_module.app, project_dir=str(ROOT))
    create_gateway_server(app_module.app, config, args.host, args.port).serve_forever()


if __name__ == "__main__":
    main()
