"""The seal signer backed by AWS KMS: the private key never leaves KMS."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey

from chalicelib.domain.seal import der_to_raw, key_id_for, load_seal_public_key
from chalicelib.ports import SealSigner


class KmsSealSigner(SealSigner):
    """Signs with the first KMS key; every listed key verifies, so rotation keeps old seals valid.

    `key_ids` are KMS key ids, ARNs or aliases (ECC_NIST_P256, SIGN_VERIFY). The seal's own kid
    is derived from each public key, not from the KMS id, so offline verifiers can match it.
    """

    def __init__(self, kms_client: Any, key_ids: Sequence[str]) -> None:
        if not key_ids:
            raise ValueError("KmsSealSigner needs at least one KMS key")
        self._kms = kms_client
        self._kms_key_ids = tuple(key_ids)
        self._cache: dict[str, EllipticCurvePublicKey] = {}  # by KMS key id; keys never change

    @property
    def key_id(self) -> str:
        return key_id_for(self._public_key(self._kms_key_ids[0]))

    def sign(self, message: bytes) -> bytes:
        # MessageType RAW lets KMS hash with SHA-256; the payload is a few dozen bytes.
        response = self._kms.sign(
            KeyId=self._kms_key_ids[0],
            Message=message,
            MessageType="RAW",
            SigningAlgorithm="ECDSA_SHA_256",
        )
        return der_to_raw(response["Signature"])

    def public_keys(self) -> Mapping[str, EllipticCurvePublicKey]:
        keys = [self._public_key(kms_key_id) for kms_key_id in self._kms_key_ids]
        return {key_id_for(key): key for key in keys}

    def _public_key(self, kms_key_id: str) -> EllipticCurvePublicKey:
        if kms_key_id not in self._cache:
            der = self._kms.get_public_key(KeyId=kms_key_id)["PublicKey"]
            try:
                self._cache[kms_key_id] = load_seal_public_key(der)
            except ValueError as wrong_key:
                raise ValueError(f"KMS key {kms_key_id}: {wrong_key}") from None
        return self._cache[kms_key_id]
