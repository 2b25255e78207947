"""Cold start: import of app.py + the first request through it, against a bare Chalice + boto3 app.

    python benchmarks/bench_cold_start.py [--runs 7]

Each sample is a fresh Python process (what a Lambda cold start pays after the runtime is up):
the clock starts before the first import and stops when the first response is back. The request
is `GET /v/{token}` (a real seal, verified against a real licence) when the app serves a
`/v/{token}` route, else `GET /v1/services`. The app is configured as infra/ deploys it: with
SEAL_PUBLIC_KEYS read from KMS (by infra/seal_public_key.py), so verification asks KMS nothing.
The app imports bytecode, as it does in Lambda from the package infra/ deploys (infra/bytecode.py
adds it): its sources are compiled once before the samples, as pip compiled the site-packages
both apps import. The bare app is a Chalice app whose one route does one DynamoDB GetItem on the
same table through boto3. Both run against the same moto server, in the same run, alternated, so the ratio
of medians holds on a noisy machine; absolute times do not.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VERIFY_ROUTE = "/v/{token}"
FALLBACK_ROUTE = "/v1/services"


class _Context:
    function_name = "cold-start"
    aws_request_id = "cold-start"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-central-1:000000000000:function:cold-start"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def proxy_event(resource: str, path: str, path_parameters: Optional[dict]) -> dict:
    """An API Gateway REST proxy event, as Lambda hands it to the Chalice app."""
    return {
        "resource": resource, "path": path, "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "localhost"},
        "multiValueHeaders": {"Accept": ["application/json"], "Host": ["localhost"]},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters, "stageVariables": None, "body": None,
        "isBase64Encoded": False,
        "requestContext": {"resourcePath": resource, "httpMethod": "GET", "path": path,
                           "stage": "api", "requestId": "cold-start",
                           "identity": {"sourceIp": "127.0.0.1"}},
    }


def child(kind: str, spec: dict) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    if kind == "app":
        sys.path.insert(0, str(ROOT))
        import app as app_module

        handler = app_module.app
    else:
        import boto3
        from chalice import Chalice

        handler = Chalice(app_name="bare")
        table = spec["bare_table"]
        key = spec["bare_key"]

        @handler.route(spec["resource"])
        def probe(**_: Any) -> dict:
            item = boto3.client("dynamodb").get_item(TableName=table, Key=key).get("Item")
            return {"found": item is not None}
    imported = time.perf_counter()
    response = handler(proxy_event(spec["resource"], spec["path"], spec["path_parameters"]),
                       _Context())
    done, cpu_done = time.perf_counter(), time.process_time()
    print(json.dumps({"import_ms": (imported - started) * 1000,
                      "request_ms": (done - imported) * 1000,
                      "total_ms": (done - started) * 1000,
                      "cpu_ms": (cpu_done - cpu_started) * 1000,
                      "status": response["statusCode"]}))


def _sample(kind: str, spec: dict) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", kind, json.dumps(spec)],
                            cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True,
                            timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{kind} cold start failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _verify_spec(prefix: str) -> dict:
    """A licence in the licences table and its seal, so the verify request reads a real item."""
    from chalicelib import wiring
    from chalicelib.domain.licence_numbers import format_number
    from chalicelib.domain.licences import Licence
    from chalicelib.domain.seal import SealClaims, sign_seal

    catalogue = wiring.catalogue()
    district = catalogue.districts[0].code
    number = format_number(district, 2026, uuid.uuid4().int % 10**6)
    signer = wiring.seal_signer()
    site = {"lat": 31.2, "lng": 29.9, "address": "Cold start street"}
    claims = SealClaims(number=number, kind="shop", district=district, lat=site["lat"],
                        lng=site["lng"], valid_from=date(2026, 1, 1),
                        valid_until=date(2099, 12, 31), key_id=signer.key_id)
    token = sign_seal(claims, signer, catalogue.seal_codes)
    wiring.licence_store().create(Licence(
        number=number, application_id="cold-start", service_code="shop-first", kind="shop",
        district=district, holder="cold-start", holder_name="Cold Start",
        holder_mobile="+201000000000", holder_national_id="29001010000000", site=site,
        details={}, status="active", valid_from="2026-01-01", valid_until="2099-12-31",
        issued_at="2026-01-01T00:00:00Z", seal_token=token))
    return {"resource": VERIFY_ROUTE, "path": f"/v/{token}", "path_parameters": {"token": token},
            "bare_table": f"{prefix}licences", "bare_key": {"number": {"S": number}}}


def _deployed_public_key(alias: str) -> str:
    """SEAL_PUBLIC_KEYS as the stack's custom resource writes it, read from the emulator's KMS."""
    from chalicelib import wiring
    from infra.seal_public_key import public_key_attributes

    kms = wiring.aws_client("kms", region_name=wiring.bound_settings().region)
    return public_key_attributes(kms, alias)["PublicKey"]


def measure(runs: int) -> dict:
    """Start a moto server, provision it, and take `runs` alternated samples of each app."""
    from devstack.config import local_environment
    from devstack.emulator import Emulator

    emulator = Emulator.start()
    # run_all calls this in its own process: the settings below must not leak into later benches.
    saved_environment = dict(os.environ)
    try:
        prefix = f"cold{uuid.uuid4().hex[:6]}-"
        os.environ.update(local_environment())
        emulator.export_to(os.environ)
        os.environ.update(TABLE_PREFIX=prefix, FILES_BUCKET=f"{prefix}files",
                          SEAL_KEY_IDS=f"alias/{prefix}seal", LOG_LEVEL="WARNING")
        from chalicelib import wiring
        from devstack.provision import provision, seed

        wiring.reset()
        provision(prefix, f"{prefix}files", f"alias/{prefix}seal")
        seed("2026-01-01T00:00:00.000Z")
        os.environ["SEAL_PUBLIC_KEYS"] = _deployed_public_key(f"alias/{prefix}seal")
        import app as app_module
        from infra.bytecode import compile_tree

        compile_tree(ROOT, ("app.py", "chalicelib"))
        if VERIFY_ROUTE in app_module.app.routes:
            spec = _verify_spec(prefix)
        else:
            spec = {"resource": FALLBACK_ROUTE, "path": FALLBACK_ROUTE, "path_parameters": None,
                    "bare_table": f"{prefix}config",
                    "bare_key": {"pk": {"S": "cold-start"}, "sk": {"S": "probe"}}}
        samples: dict[str, list[dict]] = {"bare": [], "app": []}
        for _ in range(runs):
            for kind in ("bare", "app"):
                samples[kind].append(_sample(kind, spec))
    finally:
        emulator.stop()
        os.environ.clear()
        os.environ.update(saved_environment)
    statuses = {s["status"] for s in samples["app"]}
    if statuses != {200}:
        raise RuntimeError(f"the app's first request did not succeed: {statuses}")
    median = {kind: {field: statistics.median(s[field] for s in rows)
                     for field in ("import_ms", "request_ms", "total_ms", "cpu_ms")}
              for kind, rows in samples.items()}
    # Each app sample is divided by the bare sample taken just before it: the two share the
    # machine's momentary load, which a ratio of overall medians does not cancel on a noisy
    # host. The median of those paired ratios is the figure; the quartiles show its spread.
    # CPU time (process_time: user + system of the child over the same span) is the work each
    # process did; waiting for a busy core or for the emulator's answer is not in it, so it
    # moves less with the machine's load than the wall clock does.
    paired = _paired_ratios(samples, "total_ms")
    paired_cpu = _paired_ratios(samples, "cpu_ms")
    return {"request": f"GET {spec['resource']}", "runs": runs, "median": median,
            "ratio": statistics.median(paired), "ratio_quartiles": _quartiles(paired),
            "ratio_of_medians": median["app"]["total_ms"] / median["bare"]["total_ms"],
            "cpu_ratio": statistics.median(paired_cpu), "cpu_ratio_quartiles": _quartiles(paired_cpu)}


def _paired_ratios(samples: dict[str, list[dict]], field: str) -> list[float]:
    return sorted(a[field] / b[field] for a, b in zip(samples["app"], samples["bare"]))


def _quartiles(values: list[float]) -> tuple[float, float]:
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return quartiles[0], quartiles[2]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=61)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SPEC"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], json.loads(args.child[1]))
        return 0
    result = measure(args.runs)
    print(f"request: {result['request']} (median of {result['runs']} fresh processes each)")
    for kind in ("bare", "app"):
        m = result["median"][kind]
        print(f"{kind:5} import {m['import_ms']:7.1f} ms  first request {m['request_ms']:7.1f} ms  "
              f"total {m['total_ms']:7.1f} ms")
    low, high = result["ratio_quartiles"]
    print(f"ratio app/bare (median of paired samples): {result['ratio']:.2f}, quartiles "
          f"{low:.2f}-{high:.2f}; ratio of medians {result['ratio_of_medians']:.2f} "
          f"(goal <= 1.2, issue 12)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
