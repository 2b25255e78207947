"""Seal and QR benchmark: QR version, PNG size, and time per seal and per QR render.

Run from the repository root:  /tmp/venvprobe/bin/python benchmarks/bench_qr.py [N]
Signing uses an in-memory key (tests/unit/seal_fakes.py); in production KMS signs, which adds
one network round trip per seal.
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chalicelib.adapters.qr_png import render_qr_png  # noqa: E402
from chalicelib.domain.catalogue import load_catalogue  # noqa: E402
from chalicelib.domain.seal import SealClaims, sign_seal, verify_seal, verify_url  # noqa: E402
from tests.unit.seal_fakes import LocalSealSigner  # noqa: E402

HOSTS = (
    "https://rukhsa.alx.gov.eg",
    "https://verify.rukhsa.alexandria.gov.eg",
    "https://abcdefghij.execute-api.eu-central-1.amazonaws.com/api",
)


def median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


CODES = load_catalogue().seal_codes


def worst_case_claims(kid: str) -> SealClaims:
    return SealClaims(number="ALX-MONTAZA2-2026-4294967295", kind="advertisement",
                      district="MONTAZA2", lat=31.28765, lng=29.99999,
                      valid_from=date(2026, 1, 1), valid_until=date(2036, 12, 31), key_id=kid)


def main(runs: int) -> None:
    signer = LocalSealSigner()
    claims = worst_case_claims(signer.key_id)
    token = sign_seal(claims, signer, CODES)
    keys = signer.public_keys()
    sign_ms = median_ms(lambda: sign_seal(claims, signer, CODES), runs)
    verify_ms = median_ms(lambda: verify_seal(token, keys, CODES), runs)

    print(f"token: {len(token)} chars; sign+encode {sign_ms:.3f} ms, verify {verify_ms:.3f} ms "
          f"(median of {runs}, local P-256 key)")
    print()
    print(f"{'url form':<10} {'host':<62} {'chars':>5} {'QR v':>4} {'PNG B':>6} {'render ms':>9}")
    for host in HOSTS:
        lower = verify_url(host, token)
        upper = f"{host}/V/{token}".upper()
        for form, url in (("/v/ mixed", lower), ("ALL UPPER", upper)):
            image = render_qr_png(url)
            render_ms = median_ms(lambda: render_qr_png(url), runs)
            print(f"{form:<10} {host:<62} {len(url):>5} {image.version:>4} "
                  f"{len(image.png):>6} {render_ms:>9.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
