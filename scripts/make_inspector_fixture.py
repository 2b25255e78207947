"""Write web/src/inspect/fixture.json: a real seal, a real status list and their JWK Set, made
by the Python reference implementations, so the inspector's TypeScript verifier is tested
against the bytes the server makes (web/src/inspect/inspect.test.ts).

    .venv/bin/python scripts/make_inspector_fixture.py
"""
from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.domain.catalogue import load_catalogue  # noqa: E402
from chalicelib.domain.seal import SealClaims, public_jwk_set, sign_seal  # noqa: E402
from chalicelib.domain.status_list import sign_status_list  # noqa: E402
from tests.unit.seal_fakes import LocalSealSigner  # noqa: E402

OUT = ROOT / "web" / "src" / "inspect" / "fixture.json"


def main() -> None:
    codes = load_catalogue().seal_codes
    signer = LocalSealSigner()
    seals = {}
    for number, district in (("ALX-EAST-2026-000123", "EAST"), ("ALX-AMREYA2-2026-1000001", "AMREYA2")):
        claims = SealClaims(number=number, kind="advertisement", district=district, lat=31.20001,
                            lng=29.91876, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31),
                            key_id=signer.key_id)
        seals[number] = sign_seal(claims, signer, codes)
    issued = datetime(2026, 11, 30, 8, 42, tzinfo=timezone.utc)
    statuses = {"ALX-AMREYA2-2026-1000001": "suspended", "ALX-EAST-2026-000124": "revoked",
                "ALX-WEST-2025-4294967295": "superseded", "ALX-EAST-2025-000001": "expired"}
    status_list = sign_status_list(statuses, issued, timedelta(hours=36), signer, codes)
    OUT.write_text(json.dumps({"jwks": public_jwk_set(signer.public_keys()), "seals": seals,
                               "status_list": status_list, "statuses": statuses,
                               "issued_at": issued.isoformat()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
