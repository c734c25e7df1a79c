"""Token verification refuses every forgery and misuse in the attack matrix (RFC 8725)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, OKPKey

from govnet_kit.auth import ACCESS_TYP, APPROVAL_TYP, AUDIENCE, ISSUER, TokenVerifier
from govnet_kit.errors import Unauthenticated

KEY = OKPKey.generate_key("Ed25519", parameters={"kid": "k1"}, private=True)
OTHER = OKPKey.generate_key(
    "Ed25519", parameters={"kid": "k1"}, private=True
)  # same kid, other key


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "staff-1",
        "kind": "staff",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": "j1",
    }
    base.update(overrides)
    return base


def sign(
    body: dict, *, typ: str = ACCESS_TYP, key=KEY, alg: str = "Ed25519", kid: str = "k1"
) -> str:
    return jwt.encode({"alg": alg, "typ": typ, "kid": kid}, body, key, algorithms=[alg])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def verifier() -> TokenVerifier:
    # An unreachable JWKS address: a refetch for an unknown key fails, as when forged.
    v = TokenVerifier("http://127.0.0.1:9/.well-known/jwks.json", refetch_interval=3600)
    v.set_keys(KeySet.import_key_set({"keys": [KEY.as_dict(private=False)]}))
    return v


async def test_a_good_token_is_accepted(verifier):
    principal = await verifier.principal(sign(claims()))
    assert principal.subject == "staff-1" and principal.kind == "staff"


def _alg_none() -> str:
    header = _b64(json.dumps({"alg": "none", "typ": ACCESS_TYP, "kid": "k1"}).encode())
    return f"{header}.{_b64(json.dumps(claims()).encode())}."


def _hs256_with_public_key() -> str:
    public = KEY.as_dict(private=False)["x"].encode()
    return jwt.encode(
        {"alg": "HS256", "typ": ACCESS_TYP, "kid": "k1"},
        claims(),
        OctKey.import_key(public),
        algorithms=["HS256"],
    )


ATTACKS = {
    "forged signature": lambda: sign(claims(), key=OTHER),
    "alg none": _alg_none,
    "HS256 signed with the public key": _hs256_with_public_key,
    "unknown kid": lambda: sign(claims(), key=OTHER, kid="k-unknown"),
    "expired": lambda: sign(claims(exp=int(time.time()) - 10)),
    "not yet valid": lambda: sign(claims(nbf=int(time.time()) + 600)),
    "wrong audience": lambda: sign(claims(aud="someone-else")),
    "wrong issuer": lambda: sign(claims(iss="evil")),
    "approval credential used as access token": lambda: sign(claims(), typ=APPROVAL_TYP),
    "garbage": lambda: "not.a.token",
}


@pytest.mark.parametrize("attack", list(ATTACKS))
async def test_access_token_attacks_are_refused(verifier, attack):
    with pytest.raises(Unauthenticated):
        await verifier.principal(ATTACKS[attack]())


async def test_access_token_used_as_approval_credential_is_refused(verifier):
    with pytest.raises(Unauthenticated):
        await verifier.approval_credential(sign(claims()))


async def test_approval_credential_names_department_actor_and_substitute(verifier):
    token = sign(
        claims(
            sub="dept:forestry",
            act={"sub": "deputy", "act": {"sub": "holder"}},
            items=["LY-0001"],
            delegation="d1",
            substitution="s1",
        ),
        typ=APPROVAL_TYP,
    )
    credential = await verifier.approval_credential(token)
    assert (credential.department_code, credential.actor_staff_id, credential.on_behalf_of) == (
        "forestry",
        "deputy",
        "holder",
    )
    assert credential.covers("LY-0001") and not credential.covers("LY-0002")
    assert (credential.delegation_id, credential.substitution_id) == ("d1", "s1")


async def test_approval_credential_without_an_actor_is_refused(verifier):
    with pytest.raises(Unauthenticated):
        await verifier.approval_credential(sign(claims(sub="dept:forestry"), typ=APPROVAL_TYP))
