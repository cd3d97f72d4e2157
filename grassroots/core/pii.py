"""Personal data at rest: encryption, keyed lookup hashes and masking (docs/domain.md §8, PIPL).

A sensitive attribute ``x`` (ID number, phone) is stored as three columns:

- ``x_cipher``: AES-256-GCM ciphertext, bound to the attribute's name as associated data so a
  phone ciphertext cannot be pasted into the ID column and still decrypt;
- ``x_hash``: HMAC-SHA256 of the normalised value (a "blind index"), so that an exact lookup
  ("who has this ID number?") and uniqueness work without decrypting anything;
- ``x_masked``: the display form (``138****5678``) that every page, API and export shows.

The plaintext exists only while a value is being written and inside ``reveal()``, which the
audited "full view" actions call. Keys derive from ``settings.PII_KEY`` (32 random bytes, base64)
with HKDF, one subkey per purpose; ``settings.PII_OLD_KEYS`` keeps retired keys readable while
``manage.py rotate_pii_key`` re-seals the data under the current key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache
from typing import Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PiiKind = Literal["id_number", "phone"]
_VERSION = "v1"


class PiiError(Exception):
    """A ciphertext cannot be decrypted with any configured key."""


@dataclass(frozen=True)
class _Keyring:
    key_id: str
    cipher: AESGCM
    mac_key: bytes


def _decode_master(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip() + "=" * (-len(text.strip()) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(
            "PII_KEY must be 32 random bytes in base64, e.g. "
            'python -c "import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
        )
    return raw


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"grassroots/pii/" + purpose).derive(
        master
    )


@cache
def _keyring(master_text: str) -> _Keyring:
    master = _decode_master(master_text)
    enc = _derive(master, b"encrypt/v1")
    return _Keyring(
        key_id=hashlib.sha256(enc).hexdigest()[:8],
        cipher=AESGCM(enc),
        mac_key=_derive(master, b"lookup/v1"),
    )


def current_keyring() -> _Keyring:
    return _keyring(settings.PII_KEY)


def _all_keyrings() -> dict[str, _Keyring]:
    rings = [current_keyring(), *(_keyring(text) for text in settings.PII_OLD_KEYS)]
    return {ring.key_id: ring for ring in rings}


def encrypt(value: str, *, kind: PiiKind) -> str:
    ring = current_keyring()
    nonce = os.urandom(12)
    sealed = ring.cipher.encrypt(nonce, value.encode("utf-8"), kind.encode("ascii"))
    return f"{_VERSION}:{ring.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str, *, kind: PiiKind) -> str:
    try:
        version, key_id, payload = token.split(":", 2)
        ring = _all_keyrings()[key_id]
        raw = base64.urlsafe_b64decode(payload)
        if version != _VERSION:
            raise PiiError(f"unknown ciphertext version {version!r}")
        return ring.cipher.decrypt(raw[:12], raw[12:], kind.encode("ascii")).decode("utf-8")
    except KeyError:
        raise PiiError("the key that sealed this value is not configured (PII_KEY / PII_OLD_KEYS)") from None
    except PiiError:
        raise
    except Exception as exc:  # malformed token or failed authentication tag
        raise PiiError(f"ciphertext cannot be opened: {type(exc).__name__}") from None


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1] if token.count(":") >= 2 else ""


def blind_index(value: str, *, kind: PiiKind) -> str:
    """Keyed hash of a normalised value, for exact lookups. Not reversible without the key."""
    digest = hmac.new(current_keyring().mac_key, f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def mask(value: str, *, kind: PiiKind) -> str:
    """Display form: keep the ends, hide the middle (GB/T 35273 de-identification practice)."""
    if not value:
        return ""
    if kind == "id_number":
        return value[:4] + "*" * max(len(value) - 8, 1) + value[-4:] if len(value) > 8 else "*" * len(value)
    # phone: 138****5678; landline 0871-****5678
    if "-" in value:
        area, _, local = value.partition("-")
        return f"{area}-{'*' * max(len(local) - 4, 1)}{local[-4:]}"
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


@dataclass(frozen=True)
class Sealed:
    cipher: str
    hash: str
    masked: str


EMPTY = Sealed(cipher="", hash="", masked="")


def seal(value: str, *, kind: PiiKind) -> Sealed:
    """Seal an already normalised value; an empty value seals to empty columns."""
    if not value:
        return EMPTY
    return Sealed(
        cipher=encrypt(value, kind=kind), hash=blind_index(value, kind=kind), masked=mask(value, kind=kind)
    )


def store(instance: object, attribute: str, value: str, *, kind: PiiKind) -> None:
    """Write ``<attribute>_cipher/_hash/_masked`` on a model instance (not saved)."""
    sealed = seal(value, kind=kind)
    setattr(instance, f"{attribute}_cipher", sealed.cipher)
    setattr(instance, f"{attribute}_hash", sealed.hash)
    setattr(instance, f"{attribute}_masked", sealed.masked)


def reveal(instance: object, attribute: str, *, kind: PiiKind) -> str:
    """The plaintext. Call only from an audited full-view action."""
    token = getattr(instance, f"{attribute}_cipher")
    return decrypt(token, kind=kind) if token else ""
