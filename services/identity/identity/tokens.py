"""Token issuing: only identity signs (decision 8). Ed25519 keys, published as JWKS."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.jwk import OKPKey

from govnet_kit.auth import ACCESS_TYP, ALGORITHMS, APPROVAL_TYP, AUDIENCE, ISSUER
from govnet_kit.errors import DomainError


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: int


@dataclass(frozen=True)
class Refused:
    """A refusal that must still be recorded: the edge commits, then raises `error`."""

    error: DomainError


class Signer:
    """Signs with the active key; publishes every key in the set, so that a rotation is
    publish-new, sign-with-new, drop-old-after-the-longest-token-expires (no downtime)."""

    def __init__(self, private_jwks: list[dict[str, Any]], active_kid: str = ""):
        keys = [OKPKey.import_key(jwk) for jwk in private_jwks]
        if not keys:
            raise ValueError("at least one signing key is required")
        if any(not k.kid for k in keys):
            raise ValueError("every signing key needs a kid")
        by_kid = {k.kid: k for k in keys}
        if active_kid and active_kid not in by_kid:
            raise ValueError(f"active kid {active_kid} is not in the key set")
        self._keys = keys
        self._key = by_kid[active_kid] if active_kid else keys[-1]

    @staticmethod
    def generate_jwk() -> dict[str, Any]:
        key = OKPKey.generate_key(
            "Ed25519", parameters={"kid": uuid.uuid4().hex[:16]}, private=True
        )
        return key.as_dict(private=True)

    @property
    def active_kid(self) -> str:
        return str(self._key.kid)

    def jwks(self) -> dict[str, Any]:
        return {
            "keys": [
                k.as_dict(private=False) | {"use": "sig", "alg": ALGORITHMS[0]} for k in self._keys
            ]
        }

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
