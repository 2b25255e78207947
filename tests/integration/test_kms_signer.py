"""KmsSealSigner against KMS as served by the moto server, over HTTP."""
from __future__ import annotations

from datetime import date

import boto3
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.adapters.kms_signer import KmsSealSigner
from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.seal import (
    InvalidSeal,
    SealClaims,
    key_id_for,
    raw_to_der,
    sign_seal,
    verify_seal,
)

pytestmark = pytest.mark.integration
CODES = load_catalogue().seal_codes


@pytest.fixture
def kms(emulator):
    return boto3.client("kms", endpoint_url=emulator.endpoint_url)


def new_signing_key(kms, alias: str) -> str:
    key_id = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    return key_id


def claims(kid: str) -> SealClaims:
    return SealClaims(number="ALX-AGAMY-2026-000777", kind="building", district="AGAMY",
                      lat=31.10321, lng=29.77512, valid_from=date(2026, 5, 1),
                      valid_until=date(2027, 4, 30), key_id=kid)


def test_a_kms_signature_verifies_with_the_kms_public_key(kms) -> None:
    """GIVEN a P-256 key in KMS WHEN KmsSealSigner signs THEN the raw r||s signature verifies
    with the public key KMS hands out, and the kid is derived from that key."""
    key_id = new_signing_key(kms, "alias/seal-test-a")
    signer = KmsSealSigner(kms, ["alias/seal-test-a"])

    signature = signer.sign(b"payload to seal")

    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert len(signature) == 64
    public_key.verify(raw_to_der(signature), b"payload to seal", ec.ECDSA(hashes.SHA256()))
    assert signer.key_id == key_id_for(public_key)


def test_a_sealed_licence_verifies_through_the_signers_key_set(kms) -> None:
    """GIVEN a KMS-backed signer WHEN a seal is signed THEN verify_seal accepts it."""
    new_signing_key(kms, "alias/seal-test-b")
    signer = KmsSealSigner(kms, ["alias/seal-test-b"])
    token = sign_seal(claims(signer.key_id), signer, CODES)
    assert verify_seal(token, signer.public_keys(), CODES) == claims(signer.key_id)


def test_rotation_keeps_old_seals_valid_and_new_ones_use_the_new_key(kms) -> None:
    """GIVEN a seal signed with key A WHEN the signer is configured [B, A] THEN B signs new seals
    and both old and new seals verify; a signer that dropped A refuses the old one."""
    key_a = new_signing_key(kms, "alias/seal-test-old")
    key_b = new_signing_key(kms, "alias/seal-test-new")
    before = KmsSealSigner(kms, [key_a])
    old_token = sign_seal(claims(before.key_id), before, CODES)

    after = KmsSealSigner(kms, [key_b, key_a])
    new_token = sign_seal(claims(after.key_id), after, CODES)

    keys = after.public_keys()
    assert set(keys) == {before.key_id, after.key_id}
    assert verify_seal(old_token, keys, CODES).key_id == before.key_id
    assert verify_seal(new_token, keys, CODES).key_id == after.key_id
    with pytest.raises(InvalidSeal):
        verify_seal(old_token, KmsSealSigner(kms, [key_b]).public_keys(), CODES)


def test_public_keys_are_fetched_once_per_key(kms) -> None:
    """GIVEN a signer WHEN its keys are asked for repeatedly THEN KMS is asked once per key."""
    new_signing_key(kms, "alias/seal-test-c")
    calls: list[str] = []
    kms.meta.events.register("before-call.kms.GetPublicKey",
                             lambda **kwargs: calls.append("GetPublicKey"))
    signer = KmsSealSigner(kms, ["alias/seal-test-c"])
    for _ in range(3):
        signer.public_keys()
        assert signer.key_id
    assert calls == ["GetPublicKey"]


def test_a_key_that_is_not_p256_is_refused(kms) -> None:
    """GIVEN an RSA signing key WHEN used as a seal key THEN ValueError, not a wrong signature."""
    key_id = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    with pytest.raises(ValueError):
        KmsSealSigner(kms, [key_id]).public_keys()
