"""Public randomness sources for the draw (公开随机数来源): a drand round or an announced lottery draw.

The draw's seed needs a value nobody knows when the pool is frozen and anybody can check later
(DOMAIN.md §3, auditability). Two sources fit:

* **drand** (League of Entropy): a round's BLS signature over the round number, made by a
  threshold of independent operators at a time fixed in advance (``round_time``). A plan names
  the round first (``first_round_after`` the freeze) and accepts the value only if the signature
  verifies offline against the chain's public key; its randomness is ``sha256(signature)``.
* **An announced lottery draw** (e.g. 福彩3D): known date and issue, a value in a known format;
  checked only for its format (its authenticity is the lottery's public announcement).

Pure: no clock, no network, no database; times are passed in as aware datetimes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import drand_verify

from kernel.errors import InvalidInput

__all__ = ["QUICKNET", "DrandChain", "LotterySource", "first_round_after", "round_at",
           "round_time", "verify_round"]

_G1_RFC9380 = "bls-unchained-g1-rfc9380"
# Compressed sizes in BLS12-381: G1 48 bytes, G2 96 bytes. This scheme signs on G1, keys on G2.
_SIGNATURE_HEX = {_G1_RFC9380: 96}
_PUBLIC_KEY_HEX = {_G1_RFC9380: 192}
_MAX_ROUND = 2**64 - 1   # drand rounds are uint64
_HEX = re.compile(r"[0-9a-f]*")


@dataclass(frozen=True)
class DrandChain:
    """A drand chain as its ``/info`` publishes it (only unchained G1 RFC 9380 verifies here)."""

    name: str
    chain_hash: str       # hex, 32 bytes: the chain's identity
    public_key: str       # hex, the group's BLS public key
    genesis_time: int     # unix seconds: round 1
    period: int           # seconds between rounds
    scheme: str

    def __post_init__(self) -> None:
        if self.scheme not in _SIGNATURE_HEX:
            raise ValueError(f"drand scheme {self.scheme!r} is not supported "
                             f"(supported: {', '.join(_SIGNATURE_HEX)})")
        if len(self.chain_hash) != 64 or not _HEX.fullmatch(self.chain_hash):
            raise ValueError("chain_hash must be 64 lower-case hex digits")
        key_size = _PUBLIC_KEY_HEX[self.scheme]
        if len(self.public_key) != key_size or not _HEX.fullmatch(self.public_key):
            raise ValueError(f"public_key must be {key_size} lower-case hex digits for {self.scheme}")
        if self.period <= 0 or self.genesis_time < 0:
            raise ValueError("period must be > 0 and genesis_time >= 0")

    @property
    def genesis(self) -> datetime:
        """Round 1's time, UTC."""
        return datetime.fromtimestamp(self.genesis_time, timezone.utc)


# https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/info
QUICKNET = DrandChain(
    name="quicknet",
    chain_hash="52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
    public_key="83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a"
               "0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd27"
               "4ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
    genesis_time=1692803367,
    period=3,
    scheme=_G1_RFC9380,
)


def _aware(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        # A naive time is ambiguous here (Beijing time or UTC?): an 8-hour error names a round
        # already published, so refuse it rather than guess.
        raise ValueError("t must be timezone-aware")
    return t


def round_at(chain: DrandChain, t: datetime) -> int:
    """The round current at ``t``: the last one emitted at or before it (drand's CurrentRound)."""
    since = _aware(t) - chain.genesis
    if since < timedelta(0):
        raise ValueError(f"{t.isoformat()} is before {chain.name}'s genesis: no round yet")
    return since // timedelta(seconds=chain.period) + 1


def round_time(chain: DrandChain, round: int) -> datetime:
    """When ``round`` is emitted, UTC: genesis + (round - 1) × period (drand's TimeOfRound)."""
    if isinstance(round, bool) or not isinstance(round, int) or not 1 <= round <= _MAX_ROUND:
        raise ValueError(f"a drand round is an integer from 1 to 2**64 - 1, not {round!r}")
    try:
        return chain.genesis + timedelta(seconds=(round - 1) * chain.period)
    except OverflowError:
        raise ValueError(f"round {round} of {chain.name} falls after the year 9999") from None


def first_round_after(chain: DrandChain, t: datetime, min_delay: timedelta) -> int:
    """The first round emitted strictly after ``t + min_delay``: not yet published at ``t``."""
    if min_delay < timedelta(0):
        raise ValueError("min_delay must not be negative")
    at = _aware(t) + min_delay
    if at < chain.genesis:
        return 1
    return round_at(chain, at) + 1


def verify_round(chain: DrandChain, round: int, signature_hex: str) -> str:
    """The round's randomness (hex ``sha256(signature)``) once its BLS signature verifies."""
    if isinstance(round, bool) or not isinstance(round, int) or not 1 <= round <= _MAX_ROUND:
        raise InvalidInput(f"轮次必须是 1 到 2^64-1 的整数 / the drand round must be an integer "
                           f"from 1 to 2^64-1, not {round!r}", field="round")
    signature = _checked_signature(chain, signature_hex)
    try:
        # The library takes hex strings; malformed hex would panic inside it (a BaseException
        # that is not an Exception), which _checked_signature rules out beforehand.
        drand_verify.verify_bls_unchained_g1_rfc9380(round, signature, chain.public_key)
    except ValueError:
        raise InvalidInput(
            f"签名验证失败：该签名不是 drand {chain.name} 第 {round} 轮的有效签名 / "
            f"the signature does not verify for round {round} of drand {chain.name} "
            f"(wrong round, altered or not from this chain)", field="signature") from None
    # drand defines a round's randomness as sha256 over the signature bytes.
    return hashlib.sha256(bytes.fromhex(signature)).hexdigest()


def _checked_signature(chain: DrandChain, signature_hex: str) -> str:
    size = _SIGNATURE_HEX[chain.scheme]
    signature = signature_hex.strip().lower() if isinstance(signature_hex, str) else ""
    if len(signature) != size or not _HEX.fullmatch(signature):
        raise InvalidInput(
            f"签名格式错误：应为 {size} 位十六进制字符（{size // 2} 字节）/ malformed signature: "
            f"expected {size} hex digits ({size // 2} bytes, a compressed BLS12-381 G1 point) "
            f"as the drand API returns it", field="signature")
    return signature


@dataclass(frozen=True)
class LotterySource:
    """An announced public lottery draw (e.g. 福彩3D, issue 2026330期) whose result seeds a draw."""

    name: str             # e.g. "福彩3D"
    issue: str            # e.g. "2026330期"
    draw_date: date
    value_pattern: str    # the whole result's format, e.g. r"^\d{3}$"; matched in ASCII mode

    def __post_init__(self) -> None:
        if not self.name.strip() or not self.issue.strip():
            raise ValueError("a lottery source needs a name and an issue")
        try:   # a bad pattern fails here, not when an official enters a value
            re.compile(self.value_pattern)
        except re.error as e:
            raise ValueError(f"value_pattern is not a regular expression: {e}") from None

    def checked_value(self, value: str) -> str:
        """The entered result, normalised (NFKC, trimmed), if it has the announced format."""
        # NFKC turns full-width digits typed with a Chinese IME (１２３) into ASCII; ASCII mode
        # keeps \d from matching other scripts' digits; fullmatch ignores a trailing newline.
        normal = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""
        if not re.fullmatch(self.value_pattern, normal, flags=re.ASCII):
            raise InvalidInput(
                f"开奖号码格式不符：{self.name} {self.issue} 的号码应符合 {self.value_pattern} / "
                f"the result entered does not have the format of {self.name} {self.issue} "
                f"({self.value_pattern})", field="value")
        return normal
