"""The inspector's offline verification time per scan, in the browser (issue 17).

    python benchmarks/bench_inspector_scan.py [--scans 200] [--total 1000000]

The built app (web/dist) is served by the local front (devstack/front.py, its CSP and all) in
front of a small data server that answers `/v1/keys` and `/v1/status-list` with what the
Python reference code signs: a JWK Set of a local P-256 key and the status list of a generated
population (`--total` licences, 5 % not active, as benchmarks/bench_status_list.py makes it).
Debian's Chromium (Playwright) opens /inspect online once, so the service worker keeps the app,
keys and list, then goes offline and reloads.

Each scan, measured inside the page: the seal text is put in the field, then from the click on
"Check" to the verdict's appearance in the DOM (a MutationObserver, no polling): ES256 over
WebCrypto against the cached keys, the status lookup in the decoded list, the verdict rules and
Preact's render. Playwright's round trips are outside the measured span. The seals are all
different: 70 % genuine and active, 20 % genuine and listed (suspended / revoked), 10 %
tampered (one character changed).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_status_list import MemoryIndex, population  # noqa: E402
from chalicelib.domain.catalogue import load_catalogue  # noqa: E402
from chalicelib.domain.seal import SealClaims, public_jwk_set, sign_seal  # noqa: E402
from chalicelib.usecases.status_list import StatusListPorts, build_status_list  # noqa: E402
from tests.fakes.edges import MemoryFileStore  # noqa: E402
from tests.unit.seal_fakes import LocalSealSigner  # noqa: E402

GOAL_MS = 50.0
SEAL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

MEASURE = """async (tokens) => {
  const field = document.getElementById("seal-input");
  const button = [...field.form.querySelectorAll("button[type=submit]")][0];
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
  const settle = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const until = (present) => new Promise((done) => {
    const seen = () => (document.querySelector("main [role=status] h2") !== null) === present;
    if (seen()) return done(performance.now());
    const watch = new MutationObserver(() => { if (seen()) { watch.disconnect(); done(performance.now()); } });
    watch.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  const type = async (text) => {
    setValue.call(field, text);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    await settle();  // Preact has applied the new text before the click reads it
  };
  const times = [], verdicts = [];
  for (const token of tokens) {
    await type("");
    button.click();  // an empty field: the previous verdict goes away
    await until(false);
    await type(token);
    const started = performance.now();
    button.click();
    const ended = await until(true);
    times.push(ended - started);
    verdicts.push(document.querySelector("main [role=status] h2").textContent);
  }
  return { times, verdicts };
}"""


def seals(signer: LocalSealSigner, codes, rows, scans: int, today: date) -> list[str]:
    """`scans` different seals: genuine active, genuine listed, and tampered ones."""
    rng = random.Random(17)
    listed = [number for number, status, _ in rows if status in ("suspended", "revoked")]
    listed_set = {number for number, *_ in rows}
    tokens = []
    for index in range(scans):
        share = index % 10
        if share in (7, 8):
            number = listed[rng.randrange(len(listed))]
        else:
            while True:
                number = f"ALX-EAST-2025-{rng.randrange(1, 10**6):06d}"
                if number not in listed_set:
                    break
        claims = SealClaims(number=number, kind="shop", district=number.split("-")[1],
                            lat=31.2 + rng.random() / 100, lng=29.9 + rng.random() / 100,
                            valid_from=today - timedelta(days=30),
                            valid_until=today + timedelta(days=300), key_id=signer.key_id)
        token = sign_seal(claims, signer, codes)
        if share == 9:
            at = 60 + rng.randrange(60)
            token = token[:at] + SEAL_ALPHABET[(SEAL_ALPHABET.index(token[at]) + 1) % 32] + token[at + 1:]
        tokens.append(token)
    return tokens


def data_server(keys: str, status_list: str) -> ThreadingHTTPServer:
    """What the API would answer for the two documents the inspector caches."""
    bodies = {"/v1/keys": (keys, "application/json"),
              "/v1/status-list": (status_list, "application/jose")}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body, kind = bodies.get(self.path.split("?")[0], ("{}", "application/json"))
            status = 200 if self.path.split("?")[0] in bodies else 404
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--total", type=int, default=1_000_000)
    args = parser.parse_args()

    from playwright.sync_api import expect, sync_playwright

    from devstack.front import Front
    from tests.e2e.portal import PHONE, WEB_DIST, launch

    if not (WEB_DIST / "index.html").is_file():
        raise SystemExit("web/dist is not built: run `make web` first")
    catalogue = load_catalogue()
    codes = catalogue.seal_codes
    signer = LocalSealSigner()
    rows = population(args.total, 5.0, [d.code for d in catalogue.districts])
    ports = StatusListPorts(listed=MemoryIndex(rows), signer=signer, files=MemoryFileStore(),
                            codes=codes, clock=lambda: datetime.now(timezone.utc))
    status_list, entries = build_status_list(ports)
    tokens = seals(signer, codes, rows, args.scans, datetime.now(timezone.utc).date())
    data = data_server(json.dumps(public_jwk_set(signer.public_keys())), status_list)
    front = Front(0, f"http://127.0.0.1:{data.server_address[1]}")
    try:
        with sync_playwright() as playwright:
            chromium = launch(playwright)
            context = chromium.new_context(viewport=PHONE, locale="ar-EG",
                                           timezone_id="Africa/Cairo", service_workers="allow",
                                           geolocation={"latitude": 31.2, "longitude": 29.9},
                                           permissions=["geolocation"])
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{front.url}/inspect")
            expect(page.get_by_text("الحالة كما في")).to_be_visible(timeout=30_000)
            page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
            context.set_offline(True)
            page.reload()
            expect(page.get_by_text("أنت غير متصل بالإنترنت")).to_be_visible(timeout=30_000)
            result = page.evaluate(MEASURE, tokens)
            chromium.close()
    finally:
        front.stop()
        data.shutdown()
    if errors:
        raise SystemExit(f"the app threw: {errors}")
    times, verdicts = result["times"], result["verdicts"]
    counts = {verdict: verdicts.count(verdict) for verdict in sorted(set(verdicts))}
    expected = {"valid": sum(1 for i in range(args.scans) if i % 10 < 7),
                "listed": sum(1 for i in range(args.scans) if i % 10 in (7, 8)),
                "tampered": sum(1 for i in range(args.scans) if i % 10 == 9)}
    got = {"valid": counts.get("رخصة أصلية وسارية", 0),
           "listed": counts.get("رخصة موقوفة", 0) + counts.get("رخصة ملغاة", 0),
           "tampered": counts.get("ليست رخصة أصلية", 0)}
    if got != expected:
        raise SystemExit(f"unexpected verdicts: {counts} (expected {expected})")
    median, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"status list: {args.total} licences, {entries} listed, {len(status_list)} B")
    print(f"scans: {args.scans} offline ({got['valid']} valid, {got['listed']} suspended or "
          f"revoked, {got['tampered']} tampered), all verdicts as expected")
    print(f"per scan: median {median:.1f} ms, p95 {p95:.1f} ms, min {min(times):.1f} ms, "
          f"max {max(times):.1f} ms")
    print(f"figure: inspector, offline verification per scan in Chromium ({args.scans} scans, "
          f"status list of {entries:,} entries), median / p95 | {median:.1f} ms / {p95:.1f} ms | "
          f"<= {GOAL_MS:g} ms")


if __name__ == "__main__":
    main()
