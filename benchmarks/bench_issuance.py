"""Issuance benchmark on the local stack: QR version, PNG bytes, ms per QR, ms per issuance.

Run from the repository root:  .venv/bin/python benchmarks/bench_issuance.py [N]

Starts a moto server (the local stack's emulator), provisions it like `make run`, then issues N
licences through the real use case (KMS sign in the emulator, QR render, S3 put, DynamoDB
conditional writes, SQS send). QR rendering alone reuses bench_qr's worst-case seal.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("LOG_LEVEL", "WARNING")  # one "licence issued" line per run is noise here
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_qr import median_ms, worst_case_claims  # noqa: E402


def qr_figures(base_url: str, runs: int) -> None:
    from chalicelib.adapters.qr_png import render_qr_png
    from chalicelib.domain.catalogue import load_catalogue
    from chalicelib.domain.seal import sign_seal, verify_url
    from tests.unit.seal_fakes import LocalSealSigner

    signer = LocalSealSigner()
    url = verify_url(base_url, sign_seal(worst_case_claims(signer.key_id), signer,
                                          load_catalogue().seal_codes))
    image = render_qr_png(url)
    print(f"QR (worst-case seal, {len(url)}-char URL at {base_url}): version {image.version}, "
          f"{len(image.png)} B PNG, {median_ms(lambda: render_qr_png(url), runs):.2f} ms per QR "
          f"(median of {runs})")


def issuance_figures(runs: int):
    from chalicelib import wiring
    from chalicelib.domain.catalogue import load_catalogue
    from chalicelib.usecases.applications import new_application
    from chalicelib.usecases.issuance import issue_if_paid
    from chalicelib.auth import Principal
    from tests.integration.issuance_helpers import drive_to_licence_paid
    from tests.integration.test_applications_api import VALID

    service = load_catalogue().service(VALID["service_code"])
    applicant = dict(VALID["applicant"], mobile="+201012345678")
    timings, versions, sizes = [], [], []
    for _ in range(runs):
        owner = Principal(sub=f"bench-{uuid.uuid4().hex[:8]}", role="citizen")
        app = new_application(service, "EAST", owner, applicant, dict(VALID["site"]),
                              dict(VALID["details"]), wiring.clock())
        wiring.application_store().create(app)
        drive_to_licence_paid(app.id, wiring.clock())
        started = time.perf_counter()
        licence = issue_if_paid(app.id, wiring.issuance_ports())
        timings.append((time.perf_counter() - started) * 1000)
        png = wiring.file_store().get(licence.qr_key)
        sizes.append(len(png))
        versions.append(_version(png))
    print(f"issuance on the local stack ({runs} licences): median {statistics.median(timings):.1f} ms, "
          f"p90 {sorted(timings)[int(0.9 * (runs - 1))]:.1f} ms per issuance; "
          f"QR version {max(versions)}, PNG {min(sizes)}–{max(sizes)} B")
    print(f"figure: issuance on moto, median per licence (sign, QR, S3, DynamoDB, SQS) | "
          f"{statistics.median(timings):.0f} ms | -")
    return licence


def item_bytes(item: dict) -> int:
    """An item's size as DynamoDB counts it: names plus values (strings as UTF-8)."""
    size = 0
    for name, typed in item.items():
        (kind, value), = typed.items()
        size += len(name.encode()) + (len(str(value).encode()) if kind in ("S", "N") else 1)
    return size


def verification_figures(licence) -> None:
    """The DynamoDB calls one verification of a genuine seal and of a forged one make, seen
    on every client the app holds; read units by DynamoDB's rule for the item read (moto's
    ConsumedCapacity is a constant, so it is not used)."""
    import json
    import math

    import app as app_module
    from benchmarks.bench_cold_start import _Context, proxy_event
    from chalicelib import wiring
    from chalicelib.adapters.dynamo_models import ALL_MODELS

    calls: list[dict] = []
    items: list[dict] = []

    def record(params, model, **_):
        calls.append({"operation": model.name, "consistent": bool(params.get("ConsistentRead"))})

    def keep_item(parsed, **_):
        if "Item" in parsed:
            items.append(parsed["Item"])

    clients = [wiring.licence_reader()._client] + [
        model._get_connection().connection.client for model in set(ALL_MODELS.values())]
    for client in clients:
        client.meta.events.register("provide-client-params.dynamodb.*", record)
        client.meta.events.register("after-call.dynamodb.GetItem", keep_item)

    def verify(token: str) -> dict:
        event = proxy_event("/v/{token}", f"/v/{token}", {"token": token})
        return json.loads(app_module.app(event, _Context())["body"])

    token = licence.seal_token
    verify(token)  # warm: the public keys are read once per cold start
    calls.clear()
    items.clear()
    answer = verify(token)
    assert answer.get("genuine") is True, answer
    genuine = list(calls)
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    calls.clear()
    assert verify(forged)["genuine"] is False
    units = sum(0.5 * math.ceil(item_bytes(item) / 4096) for item in items)
    reads = ", ".join(f"{c['operation']} ({'strongly' if c['consistent'] else 'eventually'} "
                      f"consistent)" for c in genuine)
    print(f"verification of a genuine seal: {reads}; item {item_bytes(items[0])} B, "
          f"{units:g} read units; of a forged seal: {len(calls)} calls")
    print(f"figure: verification cost, genuine seal | {len(genuine)} GetItem, "
          f"{'eventually' if not any(c['consistent'] for c in genuine) else 'strongly'} "
          f"consistent, {units:g} RCU; forged: {len(calls)} calls | "
          f"1 eventually consistent read")


def _version(png: bytes) -> int:
    import io

    import zxingcpp
    from PIL import Image

    return int(zxingcpp.read_barcodes(Image.open(io.BytesIO(png)),
                                  formats=zxingcpp.BarcodeFormat.QRCode)[0].extra["Version"])


def main(runs: int) -> None:
    from devstack.config import local_environment
    from devstack.emulator import Emulator

    with Emulator.start() as emulator:
        prefix = f"bench{uuid.uuid4().hex[:6]}-"
        env = local_environment()
        env.update(TABLE_PREFIX=prefix, FILES_BUCKET=f"{prefix}files",
                   SEAL_KEY_IDS=f"alias/{prefix}seal", AWS_ENDPOINT_URL=emulator.endpoint_url,
                   LOG_LEVEL="WARNING")
        os.environ.update(env)
        emulator.export_to(os.environ)
        from devstack.provision import provision, seed

        provision(prefix, env["FILES_BUCKET"], env["SEAL_KEY_IDS"])
        seed("2026-01-01T00:00:00.000Z")
        # Verification as deployed: the seal key's public half in the settings (infra/).
        from benchmarks.bench_cold_start import _deployed_public_key
        from chalicelib import wiring

        os.environ["SEAL_PUBLIC_KEYS"] = _deployed_public_key(env["SEAL_KEY_IDS"])
        wiring.reset()  # settings are read once: read them again with the keys
        qr_figures(env["VERIFY_BASE_URL"], max(runs, 50))
        verification_figures(issuance_figures(runs))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
