"""Signed checkpoints: the C2SP tlog-checkpoint body in a C2SP signed note, Ed25519 or SM2/SM3.

A checkpoint is the text

    <origin>\\n<tree size>\\n<base64 root hash>\\ntime <RFC 3339 UTC>\\n

followed by a blank line and one signature line per key, `— <key name> <base64(key id ||
signature)>`. The key id is the first 4 bytes of SHA-256(name || 0x0A || type || public key);
type 0x01 is Ed25519 (signed-note's own), 0xff is SM2 with SM3 and the default user id (GB/T
32918, GM/T 0003; signed-note leaves 0xff to types it does not specify). A verifier key is written
`<name>+<hex key id>+<base64(type || public key)>`. The signature covers the body's bytes.
The same format is read by tools/verify_proof.py, which needs nothing of this project.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from kernel.errors import DomainError, InvalidInput

ED25519, SM2 = 0x01, 0xFF
ALGORITHMS = {"ed25519": ED25519, "sm2": SM2}
DASH = "\u2014"


class CheckpointInvalid(DomainError):
    """A checkpoint that does not parse or whose signature fails (HTTP 422 if ever sent)."""

    status_code = 422


def key_id(name: str, kind: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:4]


def _sm2(private_hex: str | None, public_hex: str):  # noqa: ANN202
    from gmssl import sm2

    return sm2.CryptSM2(private_key=private_hex, public_key=public_hex, asn1=False)


@dataclass(frozen=True)
class Verifier:
    name: str
    kind: int
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.kind, self.public)

    @property
    def vkey(self) -> str:
        return (f"{self.name}+{self.id.hex()}+"
                f"{base64.b64encode(bytes([self.kind]) + self.public).decode()}")

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        try:
            name, hex_id, b64 = vkey.strip().split("+", 2)   # names hold no "+"
            raw = base64.b64decode(b64, validate=True)
            verifier = cls(name, raw[0], raw[1:])
        except (ValueError, IndexError) as error:
            raise InvalidInput(f"验证公钥格式错误 not a verifier key (name+id+key): {error}",
                               field="checkpoint_trusted_keys") from None
        if verifier.id.hex() != hex_id.lower() or verifier.kind not in ALGORITHMS.values():
            raise InvalidInput(f"验证公钥与编号不符 verifier key {name} does not match its id",
                               field="checkpoint_trusted_keys")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        if self.kind == ED25519:
            from cryptography.exceptions import InvalidSignature
            from cryptography.hazmat.primitives.asymmetric.ed25519 import (
                Ed25519PublicKey,
            )

            try:
                Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
                return True
            except (InvalidSignature, ValueError):
                return False
        try:   # SM2: public key 04 || x || y; signature r || s (64 bytes)
            return bool(_sm2(None, self.public[1:].hex()).verify_with_sm3(signature.hex(), message))
        except Exception:  # noqa: BLE001  (gmssl raises on malformed input: a failed check)
            return False


class Signer:
    """A private key that signs checkpoints (kept in a file: Ed25519 PKCS#8 PEM, SM2 hex)."""

    def __init__(self, name: str, algorithm: str, private: bytes) -> None:
        if algorithm not in ALGORITHMS:
            raise InvalidInput(f"未知签名算法 unknown signature algorithm {algorithm!r} "
                               "(ed25519 | sm2)", field="checkpoint_algorithm")
        self.name, self.algorithm, self.kind = name, algorithm, ALGORITHMS[algorithm]
        if self.kind == ED25519:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric.ed25519 import (
                Ed25519PrivateKey,
            )

            key = serialization.load_pem_private_key(private, None)
            if not isinstance(key, Ed25519PrivateKey):
                raise InvalidInput("签名私钥不是 Ed25519 the checkpoint key is not an Ed25519 key",
                                   field="checkpoint_key_file")
            self._key = key
            public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)
        else:
            self._hex = private.decode().strip()
            probe = _sm2(self._hex, "")
            point = probe._kg(int(self._hex, 16), probe.ecc_table["g"])
            public = b"\x04" + bytes.fromhex(point)
            self._sm2 = _sm2(self._hex, point)
        self.verifier = Verifier(name, self.kind, public)

    @staticmethod
    def generate(algorithm: str) -> bytes:
        """A new private key in its file form."""
        if algorithm == "sm2":
            n = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
            return f"{secrets.randbelow(n - 2) + 1:064x}\n".encode()
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())

    @classmethod
    def from_file(cls, name: str, algorithm: str, path: Path, create: bool = False) -> Signer:
        if not path.exists():
            if not create:
                raise InvalidInput(f"签名私钥文件不存在 no key file {path}",
                                   field="checkpoint_key_file")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(cls.generate(algorithm))
            path.chmod(0o600)
        return cls(name, algorithm, path.read_bytes())

    def sign(self, message: bytes) -> bytes:
        if self.kind == ED25519:
            return self._key.sign(message)
        return bytes.fromhex(self._sm2.sign_with_sm3(message, secrets.token_hex(32)))


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: datetime

    def body(self) -> bytes:
        stamp = self.time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"
                f"time {stamp}\n").encode()

    def sign(self, *signers: Signer) -> str:
        body = self.body()
        lines = [f"{DASH} {s.name} {base64.b64encode(s.verifier.id + s.sign(body)).decode()}\n"
                 for s in signers]
        return body.decode() + "\n" + "".join(lines)


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    body: bytes
    signatures: list[tuple[str, bytes, bytes]]   # (key name, key id, signature)

    def signed_by(self, verifier: Verifier) -> bool:
        return any(name == verifier.name and kid == verifier.id and verifier.verify(self.body, sig)
                   for name, kid, sig in self.signatures)


def parse(note: str) -> SignedCheckpoint:
    """A signed checkpoint's fields and signatures (not yet checked), or CheckpointInvalid."""
    try:
        body, _, sigs = note.partition("\n\n")
        origin, size, root_b64, *extensions = body.split("\n")
        time_line = next(x for x in extensions if x.startswith("time "))
        checkpoint = Checkpoint(origin, int(size), base64.b64decode(root_b64, validate=True),
                                datetime.strptime(time_line[5:], "%Y-%m-%dT%H:%M:%SZ")
                                .replace(tzinfo=timezone.utc))
        signatures = []
        for line in sigs.splitlines():
            dash, name, b64 = line.split(" ")
            raw = base64.b64decode(b64, validate=True)
            if dash != DASH or len(raw) < 5:
                raise ValueError(f"not a signature line: {line!r}")
            signatures.append((name, raw[:4], raw[4:]))
    except (ValueError, StopIteration) as error:
        raise CheckpointInvalid(f"检查点格式错误 not a signed checkpoint: {error}",
                                field="checkpoint") from None
    if len(checkpoint.root) != 32 or not signatures:
        raise CheckpointInvalid("检查点格式错误 a checkpoint needs a 32-byte root and a signature",
                                field="checkpoint")
    return SignedCheckpoint(checkpoint, (body + "\n").encode(), signatures)
