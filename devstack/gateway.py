"""The local stack's API Gateway: Chalice's local server and test client, answering what API
Gateway answers by itself from the same table as AWS (infra/gateway_responses.py).

Chalice's local gateway refuses a path no route declares before the app runs, with API
Gateway's default 403 `{"message": "Missing Authentication Token"}`; in AWS the REST API's
gateway responses turn that into the contract's 404. Here the same refusal is answered from the
same table, so the local stack and AWS agree.

    python -m devstack.gateway --project-dir . --stage local --port 8000   # = `chalice local`
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (ChaliceRequestHandler, CustomLocalChalice, ForbiddenError,
                           InvalidAuthorizerError, LocalChalice, LocalDevServer,
                           LocalGatewayException, NotAuthorizedError)
from chalice.test import Client, HTTPResponse, TestHTTPClient

from infra.gateway_responses import GATEWAY_RESPONSES

# Which API Gateway response type each of Chalice's local refusals stands for. Rukhsa declares
# no authorizer, so a ForbiddenError is always the unknown path.
_RESPONSE_TYPES: dict[type, tuple[str, int]] = {
    ForbiddenError: ("MISSING_AUTHENTICATION_TOKEN", 403),
    NotAuthorizedError: ("DEFAULT_4XX", 401),
    InvalidAuthorizerError: ("DEFAULT_5XX", 500),
}


def gateway_answer(error: LocalGatewayException) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) API Gateway would send for this refusal, with our responses."""
    response_type, default_status = _RESPONSE_TYPES.get(type(error), ("DEFAULT_4XX", error.CODE))
    response = GATEWAY_RESPONSES[response_type]
    headers = {**dict(error.headers or {}), **response.all_headers()}
    headers.pop("x-amzn-ErrorType", None)  # AWS sends it; it names the refusal we reshaped
    return response.status or default_status, headers, response.body_text().encode("utf-8")


class GatewayRequestHandler(ChaliceRequestHandler):
    """`chalice local`'s request handler, with gateway responses for refusals."""

    def _send_error_response(self, error: LocalGatewayException) -> None:
        status, headers, body = gateway_answer(error)
        self._send_http_response(status, headers, body)


def create_gateway_server(app: Chalice, config: Config, host: str, port: int) -> LocalDevServer:
    """As chalice.local.create_local_server, with our handler. The class swap is not optional:
    the server answers each request on its own thread, and only LocalChalice keeps
    `current_request` per thread; without it concurrent requests read each other's caller."""
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=GatewayRequestHandler)


class GatewayTestHTTPClient(TestHTTPClient):
    def _error_response(self, e: LocalGatewayException) -> HTTPResponse:
        status, headers, body = gateway_answer(e)
        return HTTPResponse(headers=headers, body=body, status_code=status)


class GatewayClient(Client):
    """chalice.test.Client whose `http` answers refusals as API Gateway does in AWS."""

    @property
    def http(self) -> TestHTTPClient:
        if self._http_client is None:
            self._http_client = GatewayTestHTTPClient(self._app, self._chalice_config)
        return self._http_client


def main(argv: Any = None) -> None:
    """What `chalice local --no-autoreload` does, with the gateway's own answers."""
    from chalice.cli import run_local_server
    from chalice.cli.factory import CLIFactory

    class GatewayFactory(CLIFactory):
        def create_local_server(self, app_obj: Chalice, config: Config, host: str,
                                port: int) -> LocalDevServer:
            return create_gateway_server(app_obj, config, host, port)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project-dir", default=os.getcwd())
    parser.add_argument("--stage", default="local")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    os.environ["AWS_CHALICE_CLI_MODE"] = "true"  # as the chalice CLI sets it
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    project_dir = os.path.abspath(args.project_dir)
    run_local_server(GatewayFactory(project_dir, environ=os.environ), args.host, args.port,
                     args.stage)


if __name__ == "__main__":
    main()
