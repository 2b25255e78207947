"""Integration fixtures: the app against a moto server over HTTP, provisioned like AWS."""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from typing import Any, Optional

import pytest

from devstack.config import local_environment


@dataclass
class Stack:
    client: Any
    streams: Any
    app: Any
    prefix: str

    def token(self, role: str = "citizen", sub: Optional[str] = None,
              district: Optional[str] = None) -> str:
        from chalicelib.auth import issue_local_token
        from chalicelib.wiring import bound_settings

        return issue_local_token(bound_settings(), role, sub or f"{role}-{uuid.uuid4().hex[:8]}",
                                 district)

    def headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, token: Optional[str] = None,
             body: Any = None, raw: Optional[bytes] = None, headers: Optional[dict] = None):
        sent = {"Content-Type": "application/json"}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.client.http.request(method, path, headers=sent, body=payload)
        response.json = json.loads(response.body) if response.body and \
            response.headers.get("Content-Type", "").startswith("application/json") else None
        return response

    def hand_in_documents(self, token: str, application_id: str) -> None:
        """The owner uploads every document the service requires: the API signs the upload,
        and the file is posted to the emulator's S3 with that form, as a browser does. An
        officer approves nothing until each file is in the store."""
        from tests.integration.uploads import post_to_store

        app = self.call("GET", f"/v1/applications/{application_id}", token).json
        service = self.call("GET", f"/v1/services/{app['service_code']}").json
        for slot in service["required_documents"]:
            if slot["code"] in app["documents_missing"]:
                content_type = slot["accepted_types"][0]
                asked = self.call("POST", f"/v1/applications/{application_id}/documents", token,
                                  {"slot": slot["code"], "content_type": content_type})
                assert asked.status_code == 201, asked.body
                post_to_store(asked.json["upload"], content_type)


@pytest.fixture(scope="session")
def stack(emulator, tmp_path_factory) -> Stack:
    from devstack.gateway import GatewayClient

    prefix = f"it{uuid.uuid4().hex[:6]}-"
    env = local_environment()
    # Quiet hours off: the suite runs at any hour; tests/integration/test_notifications.py
    # turns them on with a clock of its own.
    env.update(TABLE_PREFIX=prefix, FILES_BUCKET=f"{prefix}files",
               SEAL_KEY_IDS=f"alias/{prefix}seal", AWS_ENDPOINT_URL=emulator.endpoint_url,
               QUIET_HOURS="off")
    os.environ.update(env)
    from chalicelib import wiring
    wiring.reset()
    from devstack.provision import provision, seed
    stream_arns = provision(prefix, env["FILES_BUCKET"], f"alias/{prefix}seal")
    for name, arn in stream_arns.items():
        os.environ[f"{name.upper()}_STREAM_ARN"] = arn
    seed("2026-01-01T00:00:00.000Z")
    import app as app_module
    from devstack.streams import StreamPump
    from devstack.run import stream_handlers

    pump = StreamPump(stream_handlers(app_module), stream_arns, prefix)
    # A project dir with no .chalice config: the test client must not swap our environment.
    client = GatewayClient(app_module.app, project_dir=str(tmp_path_factory.mktemp("noconfig")))
    return Stack(client=client, streams=pump, app=app_module, prefix=prefix)


@pytest.fixture
def citizen(stack) -> str:
    return stack.token("citizen")


@pytest.fixture(scope="session")
def api_server(stack):
    """The app served over real HTTP on loopback, as `chalice local` serves it (a thread per
    request, the current request kept per thread): concurrent deliveries really overlap. One per
    session: chalice.local patches the app's class, so a second server on the same app fails."""
    import threading

    from devstack.gateway import create_gateway_server

    server = create_gateway_server(stack.app.app, stack.client._chalice_config, "127.0.0.1", 0)
    server.server.socket.listen(256)  # the default backlog of 5 would refuse a burst
    threading.Thread(target=server.server.serve_forever, daemon=True).start()
    host, port = server.server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
