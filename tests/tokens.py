"""Signed tokens for tests, as identity issues them and every service verifies them.

One key (`KEY`) for a test's verifier (`runtime.verifier.set_keys(key_set())`), and the access
tokens identity signs: staff (staff/sign_in.py), applicant (applicant/service.py), service and
integration client (sign_in.issue_service_token). The registered claims and header are
identity's `Signer._sign` (services/identity/identity/tokens.py); the checks they must pass are
govnet_kit.auth's. A test of refusals passes its own `key` (a forger's) or overrides a claim.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, OKPKey

from govnet_kit.auth import ACCESS_TYP, ALGORITHMS, AUDIENCE, ISSUER
from govnet_kit.personal import applicant_subject_hash

# Where a tier's staff sit unless a test says otherwise, and the role its ordinary staff hold.
PLACE = {"village": "341102101201", "town": "341102101000", "city": "341100000000"}
ROLE = {"village": "village_staff", "town": "town_window", "city": "window"}


def signing_key(kid: str = "test-key") -> OKPKey:
    """A fresh Ed25519 signing key, as identity's `Signer.generate_jwk` makes one."""
    return OKPKey.generate_key("Ed25519", parameters={"kid": kid}, private=True)


KEY = signing_key()


def key_set(key: OKPKey = KEY) -> KeySet:
    """The keys a service under test trusts: what identity's JWKS would publish."""
    return KeySet([key])


def sign(
    claims: dict[str, Any],
    *,
    key: OKPKey = KEY,
    typ: str = ACCESS_TYP,
    ttl_s: int = 600,
    iat: int | None = None,
) -> str:
    """Identity's `Signer._sign`: the registered claims, then the token's own, which win (a
    test may set a wrong `aud` or a past `exp`). `iat` dates the session, e.g. before a
    suspension ended it."""
    now = int(time.time()) if iat is None else iat
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_s,
        "jti": uuid.uuid4().hex,
        **claims,
    }
    header = {"alg": ALGORITHMS[0], "typ": typ, "kid": key.kid}
    return jwt.encode(header, body, key, algorithms=ALGORITHMS)


def staff_token(
    *,
    tier: str = "village",
    place: str | None = None,
    dept: str = "",
    roles: Iterable[str] | None = None,
    sub: str | None = None,
    name: str | None = None,
    **signing: Any,
) -> str:
    """A staff member's session. Without `roles`, the tier's ordinary role; without `place`,
    the tier's usual place. `name` only when given: a session from before identity put the
    display name in stays nameless, and receipts then name the staff id."""
    claims: dict[str, Any] = {
        "sub": sub or str(uuid.uuid4()),
        "kind": "staff",
        "roles": [ROLE[tier]] if roles is None else list(roles),
        "tier": tier,
        "place": place or PLACE[tier],
        "dept": dept,
    }
    if name is not None:
        claims["name"] = name
    return sign(claims, **signing)


def applicant_subject(phone: str) -> str:
    """Identity's subject for a signed-in applicant: never the number itself."""
    return f"applicant:{applicant_subject_hash(phone)}"


def applicant_token(phone: str, **signing: Any) -> str:
    """The session of an applicant signed in with a one-time code sent to `phone`."""
    return sign({"sub": applicant_subject(phone), "kind": "applicant"}, **signing)


def service_token(name: str, *, roles: Iterable[str] = ("service",), **signing: Any) -> str:
    """A govnet service's own token (client credentials), e.g. `service_token("town-hall")`.
    Other `roles` show that a staff member's role does not make a service staff."""
    claims = {"sub": f"service:{name}", "kind": "service", "roles": list(roles)}
    return sign(claims, **signing)


def integration_token(
    places: Iterable[str],
    *,
    client: str | None = None,
    methods: Iterable[str] = (),
    subjects: Iterable[str] = (),
    sandbox: bool = False,
    kind: str = "integration",
    **signing: Any,
) -> str:
    """A registered integration client's token (A3): the places, RPCs and event subjects its
    credential covers. `kind` other than "integration" shows a scope alone admits nobody."""
    claims = {
        "sub": client or f"client:client-{uuid.uuid4().hex[:12]}",
        "kind": kind,
        "methods": list(methods),
        "places": list(places),
        "subjects": list(subjects),
        "sandbox": sandbox,
    }
    return sign(claims, **signing)


def bearer(token: str) -> dict[str, str]:
    """The request headers that carry `token`."""
    return {"Authorization": f"Bearer {token}"}
