"""The draw's inputs (双随机抽取, algorithm ``opencheck-draw/2``): the frozen entity pool, the
inspector roster, the plan's draw parameters, the public key and the secret salt, and the digests
that pin them.

``supervision.plans.drawing`` specifies the algorithm; whoever holds these inputs can re-run it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property, partial
from typing import Any

import numpy as np

from kernel.mapped import chunks, release
from supervision.plans import ranks

STEP = 1 << 22      # rows per pass step over a column: a mapped one stays ~one step resident


def _frozen(value: Any, dtype: str, name: str, length: int) -> np.ndarray:
    """A read-only 1-d view of ``value`` in ``dtype`` (a copy only if the dtype differs)."""
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size != length:
        raise ValueError(f"{name}: expected a 1-d array of length {length}")
    if arr.dtype != np.dtype(dtype):
        cast = arr.astype(dtype)
        if arr.size and not np.array_equal(cast, arr):
            raise ValueError(f"{name}: values do not fit {dtype}")
        arr = cast
    arr = np.ascontiguousarray(arr).view()
    arr.flags.writeable = False
    return arr


def _require(broken: bool, message: str) -> None:
    if broken:
        raise ValueError(message)


def _pairs(value: Any, entity_col: int) -> np.ndarray:
    """(M, 2) int64 pairs, unique, rows sorted by (entity, inspector), stored column-major."""
    if isinstance(value, Mapping):
        value = [(e, i) for e, v in value.items()
                 for i in (v if isinstance(v, Iterable) else (v,))]
        if entity_col == 1:
            value = [(i, e) for e, i in value]
    elif isinstance(value, (set, frozenset)):
        value = sorted(value)
    arr = np.asarray(value if len(value) else np.zeros((0, 2)), dtype=np.int64).reshape(-1, 2)
    ent, ins = arr[:, entity_col], arr[:, 1 - entity_col]
    step_e, step_i = np.diff(ent), np.diff(ins)
    if not ((step_e > 0) | ((step_e == 0) & (step_i > 0))).all():
        order = np.lexsort((ins, ent))
        arr = arr[order]
        keep = np.ones(len(arr), bool)
        keep[1:] = (arr[1:] != arr[:-1]).any(1)
        arr = arr[keep]
    arr = np.asfortranarray(arr).view()
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class EntityPool:
    """Frozen pool (检查对象名录 in scope of a plan), one row per entity, sorted by entity_no.

    ``uscc`` is public (the public pool file lists it); every other column but ``entity_no`` and
    ``region`` is internal, ``risk_class`` secret (DOMAIN §7: never shown to the public).
    """

    entity_no: np.ndarray          # int64, unique, ascending
    uscc: np.ndarray               # 'S18' ASCII, unique: 统一社会信用代码 of the row
    region: np.ndarray             # int32, 6-digit GB/T 2260 county code
    risk_class: np.ndarray         # int8, 0..3 = A..D
    last_checked_days: np.ndarray  # int32, days since the lead department's last check; -1 never
    targeted: np.ndarray           # bool, on the complaint / targeted list of this plan

    def __post_init__(self):
        n = np.asarray(self.entity_no).size
        for name, dtype in _POOL_FIELDS:
            column = _uscc_column if name == "uscc" else partial(_frozen, dtype=dtype, name=name)
            object.__setattr__(self, name, column(getattr(self, name), length=n))
        _require(not _ascending(self.entity_no), "entity_no must be unique and sorted ascending")
        _require(n > 0 and not _within(self.risk_class, 0, 3), "risk_class must be 0..3 (A..D)")
        _require(n > 0 and not _within(self.last_checked_days, -1, None),
                 "last_checked_days must be >= 0, or -1 for never")
        _require(n > 0 and not _within(self.region, 0, 999_999),
                 "region must be a 6-digit GB/T 2260 code")

    @cached_property
    def public_digest(self) -> str:
        """``public_pool_digest`` of the pool's USCCs, ascending (published before the draw)."""
        return ranks.pool_file_digest(self.uscc)        # codes checked at construction


def _ascending(column: np.ndarray) -> bool:
    """Strictly ascending, in passes of ``STEP`` rows (a mapped column is not kept resident)."""
    last = None
    for _, part in chunks(column, STEP):
        if part.size and ((last is not None and part[0] <= last) or
                          not (part[1:] > part[:-1]).all()):
            return False
        last = part[-1] if part.size else last
    return True


def _within(column: np.ndarray, low, high) -> bool:
    """Every value in [low, high] (None: unbounded), in passes of ``STEP`` rows."""
    for _, part in chunks(column, STEP):
        if (low is not None and part.min() < low) or (high is not None and part.max() > high):
            return False
    return True


def _uscc_column(value: Any, length: int) -> np.ndarray:
    arr = ranks.uscc_array(value)
    _require(arr.size != length, f"uscc: expected a 1-d array of length {length}")
    arr = arr.view()
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class Roster:
    """Inspectors (执法检查人员名录) already filtered by the caller for qualification and status.

    ``conflicts`` (declared conflicts of interest, 回避) and ``last_inspector`` accept a set of
    pairs, a mapping or an (M, 2) array and are stored as (M, 2) int64 arrays, unique, rows sorted
    by (entity_no, inspector_no), column-major, so one binary search per drawn entity finds its
    run of pairs. ``conflicts`` columns are (inspector_no, entity_no); ``last_inspector`` columns
    are (entity_no, inspector_no), a mapping being entity_no -> inspector_no or several.
    """

    inspector_no: np.ndarray   # int64, unique, ascending
    department: np.ndarray     # int16 department index
    region: np.ndarray         # int32 6-digit code of the inspector's station
    conflicts: Any = ()
    last_inspector: Any = ()
    # derived, not part of the digest: roster position of each pair's inspector (-1: unknown)
    conflict_pos: np.ndarray = field(init=False, repr=False)
    last_inspector_pos: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        n = np.asarray(self.inspector_no).size
        for name, dtype in _ROSTER_FIELDS:
            object.__setattr__(self, name, _frozen(getattr(self, name), dtype, name, n))
        _require(n > 1 and not (self.inspector_no[1:] > self.inspector_no[:-1]).all(),
                 "inspector_no must be unique and sorted ascending")
        _require(n > 0 and (self.region.min() < 0 or self.region.max() > 999_999),
                 "region must be a 6-digit GB/T 2260 code")
        object.__setattr__(self, "conflicts", _pairs(self.conflicts, 1))
        object.__setattr__(self, "last_inspector", _pairs(self.last_inspector, 0))
        for name, column in (("conflict_pos", self.conflicts[:, 0]),
                             ("last_inspector_pos", self.last_inspector[:, 1])):
            pos = np.searchsorted(self.inspector_no, column)
            known = pos < n
            known[known] = self.inspector_no[pos[known]] == column[known]
            object.__setattr__(self, name, np.where(known, pos, -1))
        release(self.conflicts)
        release(self.last_inspector)


_POOL_FIELDS = (("entity_no", "<i8"), ("uscc", "|S18"), ("region", "<i4"), ("risk_class", "i1"),
                ("last_checked_days", "<i4"), ("targeted", "?"))
_ROSTER_FIELDS = (("inspector_no", "<i8"), ("department", "<i2"), ("region", "<i4"))


@dataclass(frozen=True)
class DrawParams:
    """Rule numbers of one plan's draw; defaults are configurable practice, see DOMAIN §3.

    ``per_department``: on a joint plan (two or more ``departments``), each department's own
    inspectors per task (行政处罚法 Art 42: each department enforces with two officers of its
    own), so a team is ``max(inspectors_per_task, per_department * len(departments))``; ignored
    by single-department plans. At 1, its default, it is left out of ``to_dict`` and the digest,
    so records made before it existed verify unchanged.
    """

    ratios: tuple[float, float, float, float] = (0.03, 0.05, 0.20, 1.00)
    targeted_ratio: float = 1.0
    cool_off_days: tuple[int, int, int, int] = (365, 0, 0, 0)
    inspectors_per_task: int = 2
    departments: tuple[int, ...] = ()   # () = the roster as given; > 1 = joint plan (部门联合)
    cross_station: bool = True          # 所所交叉
    jurisdiction_digits: int = 4        # 4 = same prefecture, 2 = province, 6 = county
    targeted_cool_off_days: int = 0
    control_share: float = 0.0          # of the expected plan size: a uniform control sample
    per_department: int = 1             # joint plans: inspectors of each department per task
    # the control sample's size fixed (and published) before the randomness exists; None: the
    # randomised rounding of control_share x the expected size (drawing, step 4)
    control_size: int | None = None
    # 守信激励: the class (0..3 = A..D) red-listed entities were lowered to when the pool was
    # frozen (the pool's risk_class already holds the lowered class; the archive keeps which
    # rows were red-listed). None, its default, is left out of ``to_dict`` and the digest, so
    # records made before it existed verify unchanged.
    red_list_class: int | None = None

    def __post_init__(self):
        for name, kind in (("ratios", float), ("cool_off_days", int), ("departments", int)):
            object.__setattr__(self, name, tuple(kind(v) for v in getattr(self, name)))
        object.__setattr__(self, "targeted_ratio", float(self.targeted_ratio))
        object.__setattr__(self, "control_share", float(self.control_share))
        k = self.inspectors_per_task
        for broken, message in (
                (len(self.ratios) != 4 or len(self.cool_off_days) != 4,
                 "ratios and cool_off_days need one value per risk class A..D"),
                (not all(0 <= r <= 1 for r in (*self.ratios, self.targeted_ratio)),
                 "ratios must lie in [0, 1]"),
                (min(*self.cool_off_days, self.targeted_cool_off_days) < 0,
                 "cool-off days must be >= 0"),
                (int(k) != k or k < 2, "inspectors_per_task must be >= 2 (行政处罚法 Art 42)"),
                (int(self.per_department) != self.per_department or self.per_department < 1,
                 "per_department must be an integer >= 1"),
                (len(set(self.departments)) != len(self.departments),
                 "departments must be distinct"),
                (not 0 <= self.jurisdiction_digits <= 6, "jurisdiction_digits must be 0..6"),
                (not 0 <= self.control_share < 1, "control_share must lie in [0, 1)"),
                (self.control_size is not None and (int(self.control_size) != self.control_size
                                                    or self.control_size < 0),
                 "control_size must be an integer >= 0"),
                (self.red_list_class is not None and self.red_list_class not in (0, 1, 2, 3),
                 "red_list_class must be 0..3 (A..D) or None")):
            if broken:
                raise ValueError(message)
        object.__setattr__(self, "per_department", int(self.per_department))

    @property
    def team_size(self) -> int:
        joint = len(self.departments) > 1
        return max(self.inspectors_per_task,
                   self.per_department * len(self.departments) if joint else 0)

    def to_dict(self) -> dict[str, Any]:
        out = json.loads(json.dumps(asdict(self)))
        if self.per_department == 1:    # the default before the field existed: old digests hold
            del out["per_department"]
        if self.red_list_class is None:   # likewise
            del out["red_list_class"]
        return out

    def digest(self) -> str:
        """sha256 over the canonical JSON of the params (sorted keys, no spaces)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


KEY_TAG = b"opencheck-draw-key/2\n"
SALT_TAG = b"opencheck-salt/2\n"
POOL_TAG = b"opencheck-pool/2\n"
TEAMS_TAG = b"opencheck-teams/2"


def derive_key(plan_id: str, draw_no: int, randomness: str) -> bytes:
    """The draw's 32-byte public key: sha256 over ``KEY_TAG`` and the length-prefixed parts."""
    if isinstance(draw_no, bool) or not isinstance(draw_no, int) or draw_no < 1:
        raise ValueError("draw_no must be a positive integer")
    h = hashlib.sha256(KEY_TAG)
    for part in (plan_id, str(draw_no), randomness):
        raw = part.encode("utf-8")
        h.update(len(raw).to_bytes(8, "big") + raw)
    return h.digest()


def check_secret(key: bytes, salt: bytes) -> None:
    """Both are exactly 32 bytes (the key from ``derive_key``, the salt from a CSPRNG)."""
    for name, value in (("key", key), ("salt", salt)):
        if not isinstance(value, (bytes, bytearray)) or len(value) != 32:
            raise ValueError(f"{name} must be 32 bytes")


def salt_commitment(salt: bytes) -> str:
    """``"sha256:<hex>"`` of ``SALT_TAG`` + salt: published before the randomness exists."""
    check_secret(bytes(32), salt)
    return "sha256:" + hashlib.sha256(SALT_TAG + bytes(salt)).hexdigest()


def risk_key(key: bytes, salt: bytes) -> bytes:
    """The risk rank's 16-byte key: the first half of sha256(key || salt)."""
    return hashlib.sha256(bytes(key) + bytes(salt)).digest()[:16]


def teams_seed(key: bytes, salt: bytes) -> int:
    """The inspector deal's PCG64 seed: sha256(TEAMS_TAG || key || salt)[:16], big-endian."""
    return int.from_bytes(hashlib.sha256(TEAMS_TAG + bytes(key) + bytes(salt)).digest()[:16],
                          "big")


def _canonical(pool: EntityPool, roster: Roster):
    for name, _ in _POOL_FIELDS:
        yield f"pool.{name}", getattr(pool, name)
    for name, _ in _ROSTER_FIELDS:
        yield f"roster.{name}", getattr(roster, name)
    yield "roster.conflicts", roster.conflicts
    yield "roster.last_inspector", roster.last_inspector


def pool_digest(pool: EntityPool, roster: Roster, salt: bytes) -> str:
    """``"hmac-sha256:<hex>"``: HMAC-SHA256 keyed with the salt over the canonical encoding.

    Encoding: ``b"opencheck-pool/2\\n"``, then per array, in field order (pool: entity_no, uscc,
    region, risk_class, last_checked_days, targeted; roster: inspector_no, department, region,
    conflicts, last_inspector), a header line ``"<name> <numpy dtype.str> <shape as AxB>\\n"``
    followed by its bytes (little-endian; ``uscc`` 18 ASCII bytes per row); pair tables column
    by column. The salt keeps the digest from confirming guesses of a small pool's classes.
    """
    check_secret(bytes(32), salt)
    h = hmac.new(bytes(salt), POOL_TAG, hashlib.sha256)
    for name, arr in _canonical(pool, roster):
        shape = "x".join(str(s) for s in arr.shape)
        h.update(f"{name} {arr.dtype.str} {shape}\n".encode())
        flat = np.ascontiguousarray(arr.T).reshape(-1)
        for _, part in chunks(flat, STEP):
            h.update(memoryview(part).cast("B"))
    return "hmac-sha256:" + h.hexdigest()
