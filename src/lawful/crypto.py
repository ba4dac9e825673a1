"""Keys and envelope encryption: AES-256-GCM under keys derived from the master key.

The master key comes from the settings, or from a file in the data directory that is created once
(0600) for the embedded demo. Sub-keys are derived with HKDF so one secret serves several uses.
"""

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lawful.config import Settings

KEY_BYTES = 32
NONCE_BYTES = 12


def master_key(settings: Settings) -> bytes:
    if settings.master_key is not None:
        key = base64.b64decode(settings.master_key.get_secret_value())
    else:
        key = _key_file(settings.data_dir / "master.key")
    if len(key) != KEY_BYTES:
        raise ValueError("the master key must be 32 bytes, base64-encoded")
    return key


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode())
    return base64.b64decode(path.read_text().strip())


def derive(master: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose ("session", "totp", "identity-hash" …)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(master)


def encrypt(key: bytes, plaintext: bytes, *, context: bytes = b"") -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def decrypt(key: bytes, blob: bytes, *, context: bytes = b"") -> bytes:
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context)


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256: a lookup handle that cannot be reversed by a dictionary without the key."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """Digest of a high-entropy random token (API keys): a plain hash suffices there."""
    return hashlib.sha256(token.encode()).hexdigest()


class Keys:
    """The sub-keys one deployment uses, derived once from the master key."""

    def __init__(self, master: bytes) -> None:
        self.session = derive(master, "session-signing")
        self.totp = derive(master, "totp-secrets")
        self.lookup = derive(master, "lookup-hash")


def keys_from(settings: Settings) -> Keys:
    return Keys(master_key(settings))
