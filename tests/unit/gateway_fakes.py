"""A scripted HTTP server on loopback standing in for a payment gateway's API, plus fuzz inputs.

Each route answers a canned (status, body) and the server records every request it saw, so tests
can assert both what the adapter sent and how it reads the answer. No internet is involved.
"""
from __future__ import annotations

import json
import random
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator, Optional, Union

Answer = tuple[int, Union[bytes, str, dict, list]]


@dataclass
class SeenRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class FakeGatewayServer:
    routes: dict[tuple[str, str], Union[Answer, Callable[[SeenRequest], Answer]]] = field(
        default_factory=dict)
    seen: list[SeenRequest] = field(default_factory=list)
    _server: Optional[ThreadingHTTPServer] = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeGatewayServer":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = SeenRequest(self.command, parsed.path,
                                      dict(urllib.parse.parse_qsl(parsed.query)),
                                      {k.lower(): v for k, v in self.headers.items()},
                                      self.rfile.read(length))
                fake.seen.append(request)
                route = fake.routes.get((self.command, parsed.path))
                status, body = (404, {"detail": "not found"}) if route is None else (
                    route(request) if callable(route) else route)
                if isinstance(body, (dict, list)):
                    payload, content_type = json.dumps(body).encode(), "application/json"
                else:
                    payload = body.encode() if isinstance(body, str) else body
                    content_type = "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def requests_to(self, path: str) -> list[SeenRequest]:
        return [request for request in self.seen if request.path == path]


def closed_port_url() -> str:
    """A loopback URL nobody listens on (bound then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


_WEIRD_VALUES: list[object] = [None, True, False, 0, -1, 10 ** 30, 1.5, float("inf"), "", "x",
                               "١٢٣", "\u0000", [], [1, 2], {}, {"id": 1}, "true", "NaN"]


def _mutate(node: object, rng: random.Random) -> object:
    if isinstance(node, dict) and node:
        copy = dict(node)
        key = rng.choice(sorted(copy))
        roll = rng.random()
        if roll < 0.2:
            del copy[key]
        elif roll < 0.5:
            copy[key] = _mutate(copy[key], rng)
        else:
            copy[key] = rng.choice(_WEIRD_VALUES)
        return copy
    if isinstance(node, list) and node:
        return [_mutate(item, rng) for item in node]
    return rng.choice(_WEIRD_VALUES)


def mutated_documents(document: dict, count: int, seed: int) -> Iterator[dict]:
    """Documents derived from a genuine one by random deletions and type changes."""
    rng = random.Random(seed)
    for _ in range(count):
        mutated: object = document
        for _ in range(rng.randint(1, 4)):
            mutated = _mutate(mutated, rng)
        if isinstance(mutated, dict):
            yield mutated


def hostile_bodies(seed: int, genuine: bytes) -> Iterator[bytes]:
    """Bodies that are not what a gateway sends: junk, truncations, odd JSON."""
    rng = random.Random(seed)
    fixed = [b"", b" ", b"null", b"[]", b"{}", b"\"text\"", b"123", b"not json", b"\xff\xfe\x00",
             b"{" * 5000 + b"}" * 5000, b"[" * 100000, b"{\"obj\": " + b"9" * 5000 + b"}",
             b"{\"type\": \"TRANSACTION\", \"obj\": NaN}", b"{\"a\": 1e999999}"]
    yield from fixed
    for _ in range(200):
        cut = rng.randint(0, len(genuine.rstrip()) - 1)  # never the whole document
        yield genuine[:cut]
        yield bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64)))
