"""A local seal signer for unit tests and benchmarks only; production signs with KMS."""
from __future__ import annotations

from typing import Mapping, Optional

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ec import (
    EllipticCurvePrivateKey,
    EllipticCurvePublicKey,
)

from chalicelib.domain.seal import der_to_raw, key_id_for
from chalicelib.ports import SealSigner


class LocalSealSigner(SealSigner):
    """Holds private keys in memory: the first signs, all of them (old ones too) verify."""

    def __init__(self, private_key: Optional[EllipticCurvePrivateKey] = None,
                 retired: tuple[EllipticCurvePrivateKey, ...] = ()) -> None:
        self._private_key = private_key or ec.generate_private_key(ec.SECP256R1())
        self._retired = retired

    @property
    def key_id(self) -> str:
        return key_id_for(self._private_key.public_key())

    def sign(self, message: bytes) -> bytes:
        return der_to_raw(self._private_key.sign(message, ec.ECDSA(hashes.SHA256())))

    def public_keys(self) -> Mapping[str, EllipticCurvePublicKey]:
        keys = [key.public_key() for key in (self._private_key, *self._retired)]
        return {key_id_for(key): key for key in keys}

    def rotated(self) -> "LocalSealSigner":
        """A signer with a fresh current key that still lists this one (and its retirees)."""
        return LocalSealSigner(retired=(self._private_key, *self._retired))
