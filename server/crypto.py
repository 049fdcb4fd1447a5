"""Encryption of personal data at rest, blind indexes and masking.

Values are sealed with AES-256-GCM. The associated data names the column
(``person.id_number``) so a ciphertext copied into another column fails to open. A
blind index (HMAC-SHA256) lets the database enforce uniqueness and find a record by an
exact value without storing it. Both keys are derived from ``security.data_key`` with HKDF.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"


class DataCipher:
    def __init__(self, master_key_b64: str):
        master = base64.b64decode(master_key_b64)
        self._aead = AESGCM(self._derive(master, b"party/aead/v1"))
        self._index_key = self._derive(master, b"party/blind-index/v1")
        self._token_key = AESGCM(self._derive(master, b"party/token/v1"))

    @staticmethod
    def _derive(master: bytes, info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    def encrypt(self, plaintext: str | None, purpose: str) -> bytes | None:
        if plaintext is None:
            return None
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), purpose.encode())

    def decrypt(self, blob: bytes | None, purpose: str) -> str | None:
        if blob is None:
            return None
        if blob[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        return self._aead.decrypt(blob[1:13], blob[13:], purpose.encode()).decode()

    def blind_index(self, value: str, purpose: str) -> str:
        mac = hmac.new(self._index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
        return mac.hexdigest()

    def seal(self, payload: dict, ttl_seconds: int, purpose: str) -> str:
        """An opaque, expiring, tamper-proof token carrying ``payload`` (e.g. a bind ticket)."""
        body = json.dumps({"p": payload, "exp": int(time.time()) + ttl_seconds}).encode()
        nonce = os.urandom(12)
        raw = nonce + self._token_key.encrypt(nonce, body, purpose.encode())
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def unseal(self, token: str, purpose: str) -> dict | None:
        """The payload, or None when the token is forged, for another purpose, or expired."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            body = self._token_key.decrypt(raw[:12], raw[12:], purpose.encode())
            data = json.loads(body)
        except (ValueError, InvalidTag, TypeError):
            return None
        if data.get("exp", 0) < time.time():
            return None
        return data.get("p")


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def token_digest(token: str) -> str:
    """Session tokens and invite codes are stored as SHA-256 digests, never in clear."""
    return hashlib.sha256(token.encode()).hexdigest()
