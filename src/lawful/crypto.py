"""Envelope encryption primitives: AES-256-GCM, a keyring of master keys, keyed hashes.

Data keys are wrapped by the current master key; older master keys stay readable during a rotation
(`LAWFUL_PREVIOUS_MASTER_KEYS`). The embedded demo keeps its master key in a 0600 file in the data
directory; production passes `LAWFUL_MASTER_KEY`.
"""

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lawful.config import Settings

KEY_BYTES = 32
NONCE_BYTES = 12


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encrypt(key: bytes, plaintext: bytes, *, context: bytes = b"") -> bytes:
    """Nonce + ciphertext + tag; `context` is bound as associated data (a row cannot be moved)."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def plaintext_length(blob: bytes) -> int:
    """How long `blob` is once decrypted, without decrypting it (AES-GCM adds a nonce and a 16-byte tag)."""
    return max(len(blob) - NONCE_BYTES - TAG_BYTES, 0)


TAG_BYTES = 16


def decrypt(key: bytes, blob: bytes, *, context: bytes = b"") -> bytes:
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context)


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256: a lookup handle that cannot be reversed by a dictionary without the key."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """Digest of a high-entropy random token (API keys): a plain hash suffices there."""
    return hashlib.sha256(token.encode()).hexdigest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"lawful-kek:" + key).hexdigest()[:16]


class Keyring:
    """The current master key and the retired ones that may still be needed to unwrap."""

    def __init__(self, current: bytes, previous: list[bytes] | None = None) -> None:
        for key in [current, *(previous or [])]:
            if len(key) != KEY_BYTES:
                raise ValueError("a master key must be 32 bytes, base64-encoded")
        self.current_id = key_id(current)
        self._keys = {key_id(key): key for key in [*(previous or []), current]}

    def fingerprint(self) -> tuple[str, ...]:
        return (self.current_id, *sorted(self._keys))

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keyring) and other.fingerprint() == self.fingerprint()

    def wrap(self, data_key: bytes) -> tuple[str, bytes]:
        return self.current_id, encrypt(self._keys[self.current_id], data_key, context=b"wrap")

    def unwrap(self, kek_id: str, wrapped: bytes) -> bytes:
        if kek_id not in self._keys:
            raise KeyError(f"master key {kek_id} is not configured; add it to LAWFUL_PREVIOUS_MASTER_KEYS")
        return decrypt(self._keys[kek_id], wrapped, context=b"wrap")


def keyring_from(settings: Settings) -> Keyring:
    if settings.master_key is not None:
        current = base64.b64decode(settings.master_key.get_secret_value())
    else:
        current = _key_file(settings.data_dir / "master.key")
    previous = [base64.b64decode(key.get_secret_value()) for key in settings.previous_master_keys]
    return Keyring(current, previous)


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(new_key()).decode())
    return base64.b64decode(path.read_text().strip())
