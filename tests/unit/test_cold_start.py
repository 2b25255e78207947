"""Cold start: every Lambda of the app pays for what `app.py` imports (issue 8).

Blueprints import their schemas, use cases, auth and adapters inside the views; these tests
fail as soon as a module-level import drags a heavy dependency back into `import app`, or into
the public verification path (`GET /v/{token}`).
"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("pydantic", "jwt", "PIL", "qrcode", "fpdf", "boto3", "pynamodb", "cryptography",
         "chalicelib.auth", "chalicelib.api.schemas", "chalicelib.api.backoffice_schemas",
         "chalicelib.usecases.backoffice", "chalicelib.usecases.payments",
         "chalicelib.usecases.applications", "chalicelib.adapters.paper_pdf",
         "chalicelib.domain.geography", "chalicelib.api.responses", "chalicelib.api.openapi")

# What a verification request may load: the seal check (cryptography) and one botocore
# GetItem (licence_reader); never PynamoDB, the request schemas, tokens, back office or PDF.
NOT_FOR_VERIFICATION = ("pynamodb", "boto3", "chalicelib.adapters.dynamo_models",
                        "chalicelib.adapters.kms_signer",
                        "pydantic", "jwt", "PIL", "qrcode", "fpdf", "chalicelib.auth",
                        "chalicelib.api.schemas", "chalicelib.usecases.backoffice",
                        "chalicelib.usecases.payments", "chalicelib.usecases.applications",
                        "chalicelib.api.responses", "chalicelib.api.openapi",
                        # the map's boundaries: read on first locate, never by verification
                        "chalicelib.domain.geography",
                        # the whole catalogue (42 services parsed and checked) and the ASN.1
                        # key parser: the seal's code tables and its fixed-prefix key suffice
                        "chalicelib.domain.catalogue",
                        "cryptography.hazmat.primitives.serialization",
                        # the Logger: built on the first line logged, and a genuine seal logs none
                        "aws_lambda_powertools")


def loaded_modules(code: str) -> set[str]:
    """The module names a fresh interpreter holds after running `code` from the repo root."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_app_loads_no_heavy_module():
    # GIVEN a fresh interpreter WHEN it imports app.py (what every Lambda does on a cold start)
    modules = loaded_modules("import app")
    # THEN the routes are all registered, and none of the heavy modules is loaded yet
    assert "chalicelib.api.verification" in modules and "chalice" in modules
    assert sorted(name for name in HEAVY if name in modules) == []


def test_the_verification_path_loads_only_what_it_needs():
    # GIVEN the app WHEN the modules a verification request imports are loaded
    modules = loaded_modules(
        "import app\n"
        "import chalicelib.usecases.verification, chalicelib.presentation.verify_page\n"
        "import chalicelib.domain.calendar, chalicelib.domain.seal_codes\n"
        "import chalicelib.adapters.licence_reader")
    # THEN the seal check has cryptography; no PynamoDB, KMS, request schemas, JWTs, back office
    assert "cryptography" in modules
    assert sorted(name for name in NOT_FOR_VERIFICATION if name in modules) == []


def test_the_workers_load_no_request_schemas_or_tokens():
    # GIVEN the stream, queue and schedule handlers' use cases WHEN loaded in a fresh interpreter
    modules = loaded_modules(
        "import app\n"
        "import chalicelib.usecases.issuance, chalicelib.usecases.outbox, chalicelib.events.outbox\n"
        "import chalicelib.usecases.payments, chalicelib.usecases.nightly")
    # THEN none of them pays for pydantic or PyJWT, which only API requests need
    assert sorted(name for name in ("pydantic", "jwt", "chalicelib.auth", "chalicelib.api.schemas")
                  if name in modules) == []


VERIFICATION_PATH = ("import app\n"
                     "import chalicelib.usecases.verification, chalicelib.presentation.verify_page\n"
                     "import chalicelib.domain.calendar, chalicelib.domain.seal_codes\n"
                     "import chalicelib.adapters.licence_reader\n")


def test_the_verdict_metric_adds_nothing_to_the_verification_cold_start():
    # GIVEN the verification path WHEN it also counts its verdict (chalicelib.metrics.count_lean)
    without = loaded_modules(VERIFICATION_PATH)
    with_metric = loaded_modules(
        VERIFICATION_PATH + "import os; os.environ['STAGE'] = 'prod'\n"
        "from chalicelib.metrics import count_lean, VERIFICATIONS\n"
        "count_lean(VERIFICATIONS, 1, ('verdict', 'valid'))")
    # THEN the only module it adds is chalicelib.metrics itself (json, os, sys, time are loaded
    # already): no Powertools Metrics object is built and nothing more is imported.
    assert with_metric - without == {"chalicelib.metrics"}


def test_verifying_a_seal_loads_no_cipher_or_rsa_code():
    # GIVEN a genuine seal and its deployed public key (DER SPKI, as SEAL_PUBLIC_KEYS holds it)
    import base64
    from datetime import date

    from cryptography.hazmat.primitives import serialization

    from chalicelib.domain.seal import SealClaims, sign_seal
    from chalicelib.domain.seal_codes import load_seal_tables
    from tests.unit.seal_fakes import LocalSealSigner

    signer = LocalSealSigner()
    claims = SealClaims(number="ALX-EAST-2026-000123", kind="shop", district="EAST",
                        lat=31.2, lng=29.9, valid_from=date(2026, 3, 1),
                        valid_until=date(2027, 2, 28), key_id=signer.key_id)
    token = sign_seal(claims, signer, load_seal_tables().codes)
    spki = signer.public_keys()[signer.key_id].public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    # WHEN a fresh interpreter verifies it the way GET /v/{token} does
    modules = loaded_modules(
        "import base64\n"
        "from chalicelib.domain.seal import key_id_of_spki, load_seal_public_key, verify_seal\n"
        "from chalicelib.domain.seal_codes import load_seal_tables\n"
        f"spki = base64.b64decode({base64.b64encode(spki).decode()!r})\n"
        "keys = {key_id_of_spki(spki): load_seal_public_key(spki)}\n"
        f"claims = verify_seal({token!r}, keys, load_seal_tables().codes)\n"
        f"assert claims.number == {claims.number!r}, claims\n")
    # THEN the signature was checked without cryptography's OpenSSL backend module, which
    # `ec.ECDSA()` imports (ciphers, RSA, padding) and a verifier does not need
    assert "cryptography.hazmat.bindings._rust" in modules
    assert sorted(name for name in modules if name.startswith(
        ("cryptography.hazmat.backends", "cryptography.hazmat.primitives.ciphers",
         "cryptography.hazmat.primitives.asymmetric.rsa"))) == []
