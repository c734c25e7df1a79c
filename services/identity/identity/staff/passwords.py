"""Password and client-secret hashes (argon2): only identity checks them (decision 8)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("govnet-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def initial_password() -> str:
    """A first password for a new account, shown to the administrator once (20 characters,
    about 120 bits); identity keeps only its hash."""
    return secrets.token_urlsafe(15)


def verify(stored_hash: str | None, secret: str) -> bool:
    """Against the dummy hash when there is no account, so both paths cost the same time."""
    try:
        _hasher.verify(stored_hash or _DUMMY_HASH, secret)
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None
