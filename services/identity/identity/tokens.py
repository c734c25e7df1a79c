"""Token issuing: only identity signs (decision 8). Ed25519 keys, published as JWKS."""

from __future__ import annotations

import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.jwk import OKPKey

from govnet_kit.auth import ACCESS_TYP, ALGORITHMS, APPROVAL_TYP, AUDIENCE, ISSUER


class Signer:
    def __init__(self, private_jwk: dict[str, Any]):
        self._key = OKPKey.import_key(private_jwk)
        if not self._key.kid:
            raise ValueError("signing_key needs a kid")

    @staticmethod
    def generate_jwk() -> dict[str, Any]:
        key = OKPKey.generate_key(
            "Ed25519", parameters={"kid": uuid.uuid4().hex[:16]}, private=True
        )
        return key.as_dict(private=True)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._key.as_dict(private=False) | {"use": "sig", "alg": ALGORITHMS[0]}]}

    def _sign(self, typ: str, claims: dict[str, Any], ttl_s: int) -> tuple[str, int]:
        now = int(time.time())
        exp = now + ttl_s
        body = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": exp,
            "jti": uuid.uuid4().hex,
            **claims,
        }
        header = {"alg": ALGORITHMS[0], "typ": typ, "kid": self._key.kid}
        return jwt.encode(header, body, self._key, algorithms=ALGORITHMS), exp

    def access_token(self, claims: dict[str, Any], ttl_s: int) -> tuple[str, int]:
        return self._sign(ACCESS_TYP, claims, ttl_s)

    def approval_credential(self, claims: dict[str, Any], ttl_s: int) -> tuple[str, int]:
        return self._sign(APPROVAL_TYP, claims, ttl_s)
