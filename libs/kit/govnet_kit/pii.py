"""Personal data at rest: authenticated field encryption, keyed look-up hashes, key rotation.

A sensitive column is `Encrypted("<table>.<column>")`: the application reads and writes plain
text, the database holds `gv1:<kid>:<base64url(nonce | AES-256-GCM ciphertext and tag)>`. The
column name is the associated data, so a ciphertext copied into another column does not decrypt.

Keys come from settings (`PersonalDataSettings`, Kubernetes Secrets in a cluster): `pii_key`
encrypts every new value; `pii_read_keys` only decrypt. A key is any high-entropy secret of at
least 32 characters; the AES key is derived from it (HKDF-SHA256) and its id is a short hash of
it, so the ciphertext names the key it needs. Rotation without downtime:

1. add the new secret to `pii_read_keys` everywhere (every replica can now read it);
2. make it `pii_key` and move the old one into `pii_read_keys` (new writes use the new key);
3. run `<service> pii-rotate`: re-encrypts, in small transactions, every value under another
   key (compare-and-set, so a concurrent write wins); reads go on throughout;
4. drop the old key from `pii_read_keys`.

Look-ups never decrypt rows: a `*_hash` column holds `lookup_hash(value, context)`, an
HMAC-SHA256 under `pii_lookup_key` (a separate secret; not rotated by `pii-rotate`).

Outside prod, missing keys mean a key made for this process only (with a warning): tests and
throwaway platforms need nothing, and prod refuses to start without keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr, model_validator
from sqlalchemy import (
    Connection,
    Text,
    and_,
    column,
    func,
    literal,
    not_,
    select,
    type_coerce,
    update,
)
from sqlalchemy import (
    table as table_clause,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.types import TypeDecorator

from govnet_kit.settings import ServiceSettings

log = logging.getLogger(__name__)

PREFIX = "gv1"
MIN_SECRET = 32
# What an erased value reads as and is stored as, in the clear (govnet_kit.retention): a fixed
# marker that no ciphertext can be, so the database shows the value is gone, not hidden.
ERASED = "[erased]"
_SPLIT = re.compile(r"[\s,]+")


class UnreadableCiphertext(LookupError):  # noqa: N818 - reads as what happened
    """A ciphertext under a key this process does not have, or one that does not verify."""


@dataclass(frozen=True)
class DataKey:
    kid: str
    aead: AESGCM = field(repr=False)

    @classmethod
    def from_secret(cls, secret: str) -> DataKey:
        if len(secret) < MIN_SECRET:
            raise ValueError(f"a personal-data key needs at least {MIN_SECRET} characters")
        raw = secret.encode()
        kid = hashlib.sha256(b"govnet-pii-kid\x00" + raw).hexdigest()[:8]
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"govnet-pii-aes256gcm"
        ).derive(raw)
        return cls(kid, AESGCM(key))


class Keyring:
    """The active key, the keys that may still decrypt, and the look-up hash key."""

    def __init__(
        self,
        active: str,
        lookup: str,
        read_only: Iterable[str] = (),
        *,
        ephemeral: bool = False,
    ):
        self.active = DataKey.from_secret(active)
        self._keys = {self.active.kid: self.active}
        for secret in read_only:
            key = DataKey.from_secret(secret)
            self._keys.setdefault(key.kid, key)
        if len(lookup) < MIN_SECRET:
            raise ValueError(f"the look-up key needs at least {MIN_SECRET} characters")
        self._lookup = hashlib.sha256(b"govnet-pii-lookup\x00" + lookup.encode()).digest()
        self.ephemeral = ephemeral

    @classmethod
    def generate(cls) -> Keyring:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), ephemeral=True)

    @property
    def kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self.active.aead.encrypt(nonce, plaintext.encode(), context.encode())
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{PREFIX}:{self.active.kid}:{body}"

    def decrypt(self, token: str, *, context: str) -> str:
        kid = kid_of(token)
        key = self._keys.get(kid)
        if key is None:
            raise UnreadableCiphertext(f"{context}: no key {kid!r} in this keyring")
        body = token.split(":", 2)[2]
        blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            return key.aead.decrypt(blob[:12], blob[12:], context.encode()).decode()
        except InvalidTag:
            raise UnreadableCiphertext(f"{context}: ciphertext does not verify") from None

    def lookup_hash(self, value: str, *, context: str) -> str:
        message = context.encode() + b"\x00" + value.encode()
        return hmac.new(self._lookup, message, hashlib.sha256).hexdigest()


def kid_of(token: str) -> str:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise UnreadableCiphertext("not a govnet ciphertext (plain text in an encrypted column?)")
    return parts[1]


# -- the process's keyring -------------------------------------------------------------------

_keyring: Keyring | None = None


def configure(keyring: Keyring) -> Keyring:
    global _keyring
    _keyring = keyring
    return keyring


def current() -> Keyring:
    """The configured keyring; unconfigured (unit tests, tools), one for this process only."""
    global _keyring
    if _keyring is None:
        log.warning("personal-data keys not configured: using a key for this process only")
        _keyring = Keyring.generate()
    return _keyring


def configure_from(settings: ServiceSettings) -> Keyring | None:
    """The keyring a service's settings name. Without keys (never in prod, the settings refuse
    it) the process keeps the keyring it has, or makes one for itself. A service that keeps no
    personal data (identity) has no keys and gets none."""
    if not isinstance(settings, PersonalDataSettings):
        return _keyring
    active = _secret(settings, "pii_key")
    if active:
        lookup = _secret(settings, "pii_lookup_key")
        read = [s for s in _SPLIT.split(_secret(settings, "pii_read_keys")) if s]
        return configure(Keyring(active, lookup, read))
    return current()


def _secret(settings: ServiceSettings, name: str) -> str:
    value = getattr(settings, name, None)
    return value.get_secret_value() if isinstance(value, SecretStr) else ""


def lookup_hash(value: str, *, context: str) -> str:
    return current().lookup_hash(value, context=context)


class PersonalDataSettings(ServiceSettings):
    """The settings of a service that keeps personal data (docs/privacy.md)."""

    # Encrypts every new value; a random secret of at least 32 characters (Secret pii-key).
    pii_key: SecretStr = SecretStr("")
    # Further keys that still decrypt, never encrypt (rotation), separated by spaces or commas.
    pii_read_keys: SecretStr = SecretStr("")
    # The HMAC key of look-up hashes (phone, ID number); a secret of its own.
    pii_lookup_key: SecretStr = SecretStr("")

    @model_validator(mode="after")
    def _personal_data_keys(self) -> PersonalDataSettings:
        active = self.pii_key.get_secret_value()
        lookup = self.pii_lookup_key.get_secret_value()
        if self.environment == "prod" and not (active and lookup):
            raise ValueError("pii_key and pii_lookup_key are required in prod")
        if (active or lookup) and not (active and lookup):
            raise ValueError("set pii_key and pii_lookup_key together")
        for name, value in (("pii_key", active), ("pii_lookup_key", lookup)):
            if value and len(value) < MIN_SECRET:
                raise ValueError(f"{name} must be at least {MIN_SECRET} characters")
        if active:
            read = [k for k in _SPLIT.split(self.pii_read_keys.get_secret_value()) if k]
            Keyring(active, lookup, read)  # every read key must be usable too
        return self


# -- the column type -------------------------------------------------------------------------


class Encrypted(TypeDecorator[str]):
    """A text column stored encrypted; `context` ("table.column") is bound into the ciphertext.

    Equality in SQL never matches (every encryption is fresh): look up by a hash column."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str):
        super().__init__()
        self.context = context

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None or value == ERASED:
            return value
        return current().encrypt(str(value), context=self.context)

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        if value is None or value == ERASED:
            return value
        return current().decrypt(value, context=self.context)

    def __repr__(self) -> str:  # what Alembic's autogenerate would render
        return "sa.Text()"


# -- rotation --------------------------------------------------------------------------------


@dataclass
class RotationReport:
    rewritten: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def encrypted_columns(metadata: Any) -> dict[Any, list[Any]]:
    """table -> its Encrypted columns, for every table of the metadata."""
    out: dict[Any, list[Any]] = {}
    for table in metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, Encrypted)]
        if cols:
            out[table] = cols
    return out


async def reencrypt(
    sessions: async_sessionmaker[AsyncSession], metadata: Any, *, batch: int = 200
) -> RotationReport:
    """Every value under another key than the active one, re-encrypted under the active one.

    One transaction per batch; each update is compare-and-set on the old ciphertext, so a value
    the application rewrote meanwhile (already under the active key) is left alone."""
    keyring = current()
    active = f"{PREFIX}:{keyring.active.kid}:%"
    report = RotationReport()
    for table, cols in encrypted_columns(metadata).items():
        pk = list(table.primary_key.columns)
        for col in cols:
            raw = type_coerce(col, Text)
            stale = and_(raw.is_not(None), raw != ERASED, not_(raw.like(active)))
            name = f"{table.name}.{col.name}"
            report.rewritten[name] = 0
            while True:
                async with sessions() as session, session.begin():
                    rows = (await session.execute(select(*pk, raw).where(stale).limit(batch))).all()
                    for row in rows:
                        *keys, old = row
                        new = keyring.encrypt(
                            keyring.decrypt(old, context=col.type.context), context=col.type.context
                        )
                        match = and_(*(c == k for c, k in zip(pk, keys, strict=True)), raw == old)
                        done = await session.execute(
                            update(table).where(match).values({col.name: literal(new, Text)})
                        )
                        report.rewritten[name] += done.rowcount or 0
                if len(rows) < batch:
                    break
    return report


async def stale_counts(session: AsyncSession, metadata: Any) -> dict[str, int]:
    """How many values of each encrypted column are not under the active key."""
    active = f"{PREFIX}:{current().active.kid}:%"
    out = {}
    for table, cols in encrypted_columns(metadata).items():
        for col in cols:
            raw = type_coerce(col, Text)
            count = await session.scalar(
                select(func.count())
                .select_from(table)
                .where(raw.is_not(None), raw != ERASED, not_(raw.like(active)))
            )
            out[f"{table.name}.{col.name}"] = int(count or 0)
    return out


def contexts(metadata: Any) -> Sequence[str]:
    return [c.type.context for cols in encrypted_columns(metadata).values() for c in cols]


__all__ = [
    "ERASED",
    "Encrypted",
    "Keyring",
    "UnreadableCiphertext",
    "PersonalDataSettings",
    "configure",
    "configure_from",
    "current",
    "decrypt_existing",
    "encrypt_existing",
    "lookup_hash",
    "reencrypt",
]


# -- migrations ------------------------------------------------------------------------------

Derive = Callable[[Keyring, Mapping[str, Any]], str]


def migration_keyring(settings: ServiceSettings) -> Keyring | None:
    """The keyring a migration encrypts existing rows with: the service's own keys."""
    return configure_from(settings)


def encrypt_existing(
    bind: Connection,
    table: str,
    contexts: Mapping[str, str],
    *,
    pk: str = "id",
    derive: Mapping[str, Derive] | None = None,
) -> int:
    """A migration step: the plain values of `contexts`' columns encrypted in place, and each
    `derive` column set from the plain row (look-up hashes). Refuses to encrypt existing rows
    under a key made for this process only: they could never be read again."""
    derive = dict(derive or {})
    t = table_clause(table, *(column(c) for c in {pk, *contexts, *derive}))
    rows = bind.execute(select(t)).mappings().all()
    keyring = current()
    if rows and keyring.ephemeral:
        raise RuntimeError(
            f"{table}: set the service's PII_KEY and PII_LOOKUP_KEY before migrating its rows"
        )
    for row in rows:
        values: dict[str, Any] = {
            c: keyring.encrypt(row[c], context=ctx)
            for c, ctx in contexts.items()
            if row[c] is not None
        }
        values.update({c: fn(keyring, row) for c, fn in derive.items()})
        bind.execute(t.update().where(t.c[pk] == row[pk]).values(**values))
    return len(rows)


def decrypt_existing(
    bind: Connection,
    table: str,
    contexts: Mapping[str, str],
    *,
    pk: str = "id",
    derive: Mapping[str, Derive] | None = None,
) -> int:
    """The downgrade of `encrypt_existing`: plain values back (derive sees the plain row)."""
    derive = dict(derive or {})
    t = table_clause(table, *(column(c) for c in {pk, *contexts, *derive}))
    rows = bind.execute(select(t)).mappings().all()
    keyring = current()
    for row in rows:
        plain = dict(row)
        for c, ctx in contexts.items():
            if row[c] is not None:
                plain[c] = keyring.decrypt(row[c], context=ctx)
        values = {c: plain[c] for c in contexts}
        values.update({c: fn(keyring, plain) for c, fn in derive.items()})
        bind.execute(t.update().where(t.c[pk] == row[pk]).values(**values))
    return len(rows)


# -- the command -----------------------------------------------------------------------------


async def rotate_command(settings: ServiceSettings, package: str) -> int:
    """`<service> pii-rotate`: every value re-encrypted under the active key; prints counts."""
    import importlib

    from govnet_kit.db import Base, make_engine, make_sessionmaker

    importlib.import_module(f"{package}.models")  # registers every table
    keyring = configure_from(settings)
    if keyring is None:
        print("this service keeps no encrypted personal data")
        return 0
    if keyring.ephemeral:
        print("no personal-data keys configured (PII_KEY, PII_LOOKUP_KEY): nothing to rotate to")
        return 2
    engine = make_engine(settings.database_url)
    try:
        report = await reencrypt(make_sessionmaker(engine), Base.metadata)
    finally:
        await engine.dispose()
    for name, count in report.rewritten.items():
        print(f"{name}: {count} re-encrypted under key {keyring.active.kid}")
    print(f"{report.total} value(s) re-encrypted")
    return 0
