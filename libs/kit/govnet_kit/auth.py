"""Token verification: every service verifies identity's signatures against its JWKS.

Three token types, each with its own `typ` so one can never be used as another (RFC 8725):
- `at+jwt` staff or service access tokens (`kind` claim: "staff" or "service");
- `approval+jwt` delegated approval credentials: `sub` is the department, `act.sub` the
  representative (RFC 8693 delegation, never impersonation).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from govnet_kit.errors import PermissionDenied, Unauthenticated

log = logging.getLogger(__name__)

ISSUER = "govnet-identity"
AUDIENCE = "govnet"
ACCESS_TYP = "at+jwt"
APPROVAL_TYP = "approval+jwt"
# EdDSA over Ed25519, by its fully-specified name (RFC 9864).
ALGORITHMS = ["Ed25519"]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff member, an applicant or a service."""

    subject: str
    kind: str  # "staff" | "service" | "integration" | "applicant"
    roles: frozenset[str] = frozenset()
    # Integration clients (A3): the RPCs, places and event subjects their credential covers.
    methods: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    sandbox: bool = False
    tier: str = ""
    place_code: str = ""
    department_code: str = ""
    # `iat`: a suspension or password reset ends the staff sessions issued until then.
    issued_at: int = 0
    # A staff member's display name (the `name` claim), for receipts; "" in older tokens.
    # Not applicant data, but a person's name all the same: kept out of reprs and logs.
    name: str = field(default="", repr=False)
    token: str = field(default="", repr=False)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def require_staff(self, *, tier: str | None = None) -> None:
        if self.kind != "staff":
            raise PermissionDenied("staff only", message_zh="仅限工作人员")
        if tier and self.tier != tier:
            raise PermissionDenied(f"staff of the {tier} tier only", message_zh="无权在本层级办理")

    def require_place(self, place_code: str) -> None:
        """Staff act only in their own place (A2)."""
        if self.place_code != place_code:
            raise PermissionDenied(
                f"not your place: {place_code}",
                message_zh="无权办理其他地区的事项",
                field="place_code",
            )

    def require_method(self, method: str) -> None:
        """An integration client calls only the RPCs its credential names (A3)."""
        if self.kind == "integration" and method not in self.methods:
            raise PermissionDenied(
                f"this client may not call {method}", message_zh="该接入系统无权调用此接口"
            )

    def require_service(self, *names: str) -> None:
        if self.kind != "service" or self.subject not in {f"service:{n}" for n in names}:
            raise PermissionDenied("this call is open to " + ", ".join(names) + " only")


@dataclass(frozen=True)
class ApprovalCredential:
    """A verified delegated approval credential (A1)."""

    department_code: str
    actor_staff_id: str
    item_codes: frozenset[str]
    all_items: bool
    tier: str
    on_behalf_of: str  # the post holder when the actor is a substitute (L7), else ""
    credential_id: str
    expires_at: int
    delegation_id: str = ""
    substitution_id: str = ""
    issued_at: int = 0  # `iat`: a suspension withdraws the credentials issued before it

    def covers(self, item_code: str) -> bool:
        return self.all_items or item_code in self.item_codes


class TokenVerifier:
    """Verifies tokens with identity's JWKS, fetched over HTTP and cached.

    An unknown key id triggers one refetch (key rotation), rate-limited so a flood of forged
    tokens cannot turn into a flood of JWKS requests.
    """

    def __init__(self, jwks_url: str, *, refetch_interval: float = 10.0, max_age: float = 300.0):
        self._jwks_url = jwks_url
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._refetch_interval = refetch_interval
        # Refreshed this often anyway, so a key identity has dropped stops verifying.
        self._max_age = max_age
        self._lock = asyncio.Lock()

    def set_keys(self, keys: KeySet) -> None:
        self._keys = keys
        self._fetched_at = time.monotonic()

    async def _fetch(self) -> None:
        async with self._lock:
            if (
                self._keys is not None
                and time.monotonic() - self._fetched_at < self._refetch_interval
            ):
                return
            async with httpx.AsyncClient(timeout=5.0) as client:
                resp = await client.get(self._jwks_url)
                resp.raise_for_status()
            self.set_keys(KeySet.import_key_set(resp.json()))

    async def _keyset(self, kid: str | None) -> KeySet:
        stale = time.monotonic() - self._fetched_at > self._max_age
        unknown = kid and self._keys is not None and not any(k.kid == kid for k in self._keys.keys)
        if self._keys is None or unknown or stale:
            try:
                await self._fetch()
            except httpx.HTTPError as exc:
                if self._keys is None:
                    raise Unauthenticated(
                        "identity keys unavailable", message_zh="无法获取验证密钥"
                    ) from exc
                log.warning("jwks refetch failed; using cached keys: %s", exc)
        assert self._keys is not None
        return self._keys

    async def _decode(self, token: str, typ: str) -> dict[str, Any]:
        try:
            header = jws.extract_compact(token.encode()).headers()  # unverified: picks the key
        except (JoseError, ValueError) as exc:
            raise Unauthenticated("malformed token", message_zh="令牌格式错误") from exc
        if header.get("typ") != typ:
            raise Unauthenticated(f"wrong token type: expected {typ}", message_zh="令牌类型错误")
        keys = await self._keyset(header.get("kid"))
        try:
            decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": ISSUER},
                aud={"essential": True, "value": AUDIENCE},
                exp={"essential": True},
                sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise Unauthenticated(f"invalid token: {exc}", message_zh="令牌无效或已过期") from exc
        return decoded.claims

    async def principal(self, token: str) -> Principal:
        claims = await self._decode(token, ACCESS_TYP)
        return Principal(
            subject=claims["sub"],
            kind=claims.get("kind", ""),
            roles=frozenset(claims.get("roles", [])),
            methods=frozenset(claims.get("methods", [])),
            places=frozenset(claims.get("places", [])),
            sandbox=bool(claims.get("sandbox", False)),
            tier=claims.get("tier", ""),
            place_code=claims.get("place", ""),
            department_code=claims.get("dept", ""),
            issued_at=int(claims.get("iat", 0)),
            name=str(claims.get("name", "")),
            token=token,
        )

    async def approval_credential(self, token: str) -> ApprovalCredential:
        claims = await self._decode(token, APPROVAL_TYP)
        sub = claims["sub"]
        act = claims.get("act") or {}
        if not sub.startswith("dept:") or not act.get("sub"):
            raise Unauthenticated("approval credential lacks department or actor")
        return ApprovalCredential(
            department_code=sub.removeprefix("dept:"),
            actor_staff_id=act["sub"],
            item_codes=frozenset(claims.get("items", [])),
            all_items=bool(claims.get("all_items")),
            tier=claims.get("tier", ""),
            on_behalf_of=(act.get("act") or {}).get("sub", ""),
            credential_id=claims.get("jti", ""),
            expires_at=int(claims["exp"]),
            delegation_id=claims.get("delegation", ""),
            substitution_id=claims.get("substitution", ""),
            issued_at=int(claims.get("iat", 0)),
        )


def bearer(value: str | None) -> str | None:
    if value and value.lower().startswith("bearer "):
        return value[7:].strip() or None
    return None
