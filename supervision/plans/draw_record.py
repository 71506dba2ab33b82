"""The record of one draw (algorithm ``opencheck-draw/2``): the internal record the bureau and its
auditors keep, and the public record anyone may check without login.

``supervision.plans.drawing`` specifies both formats; the public one holds nothing that depends on
an entity's credit risk class beyond which entities were drawn (DOMAIN §7).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from supervision.plans.draw_inputs import DrawParams

OUTCOME_TAG = "opencheck-outcome/2"


@dataclass(frozen=True, eq=False)
class DrawResult:
    """A recorded draw: what a third party needs to check it, and the outcome."""

    algorithm_version: str
    key: bytes                          # public: derive_key(plan_id, draw_no, randomness)
    salt_commitment: str                # published before the randomness existed
    pool_digest: str                    # salted (internal)
    public_pool_digest: str             # of the public pool file
    pool_size: int
    params: DrawParams
    strata: dict[str, dict[str, int]]   # internal: stratum -> population, excluded_cool_off,
    #                                     target, control, drawn
    entity_no: np.ndarray               # int64, sorted
    uscc: np.ndarray                    # 'S18' per drawn row
    control: np.ndarray                 # bool per drawn row: in the control sample
    control_rank: np.ndarray            # uint64 per drawn row
    control_cutoff: str | None          # largest control rank in the control sample, decimal
    teams: np.ndarray                   # int64 (n_drawn, team_size), -1 where unassigned
    unassigned: list[tuple[int, str]]   # (entity_no, reason): drawn, but not staffable
    same_station: np.ndarray            # bool per task: own-station inspector (fallback)
    counters: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def params_digest(self) -> str:
        return self.params.digest()

    @property
    def control_drawn(self) -> int:
        return int(np.count_nonzero(self.control))

    def fingerprint(self) -> str:
        """sha256 over the drawn entity numbers (little-endian int64), the control flags (one
        byte each, 0 or 1) and the teams (little-endian int64, row-major)."""
        n, k = self.teams.shape
        h = hashlib.sha256(f"{OUTCOME_TAG} {n}x{k}\n".encode())
        h.update(np.ascontiguousarray(self.entity_no, "<i8").tobytes())
        h.update(np.ascontiguousarray(self.control, np.uint8).tobytes())
        h.update(np.ascontiguousarray(self.teams, "<i8").tobytes())
        return "sha256:" + h.hexdigest()

    def internal_summary(self, outcome: bool = False) -> dict[str, Any]:
        """JSON-ready internal record (secret: strata, params, salted digest); with ``outcome``
        it also lists drawn entities, their control flags and teams."""
        out = {"algorithm_version": self.algorithm_version, "key": self.key.hex(),
               "salt_commitment": self.salt_commitment, "pool_digest": self.pool_digest,
               "public_pool_digest": self.public_pool_digest, "pool_size": self.pool_size,
               "params": self.params.to_dict(), "params_digest": self.params_digest,
               "strata": self.strata, "drawn": int(self.entity_no.size),
               "control_drawn": self.control_drawn, "control_cutoff": self.control_cutoff,
               "fingerprint": self.fingerprint(),
               "unassigned": [list(u) for u in self.unassigned]}
        if outcome:
            out["entity_no"] = self.entity_no.tolist()
            out["control"] = self.control.tolist()
            out["teams"] = self.teams.tolist()
        return out

    def public_summary(self) -> dict[str, Any]:
        """JSON-ready public record: checkable with ``verify_public`` and the public pool file,
        no strata, classes, risk ranks or internal numbers; entities in USCC order."""
        order = np.argsort(self.uscc, kind="stable")
        return {"algorithm_version": self.algorithm_version, "key": self.key.hex(),
                "salt_commitment": self.salt_commitment,
                "public_pool_digest": self.public_pool_digest, "pool_size": self.pool_size,
                "drawn": int(self.entity_no.size), "control_drawn": self.control_drawn,
                "control_cutoff": self.control_cutoff,
                "entities": [{"uscc": u.decode("ascii"), "control": bool(c),
                              "control_rank": str(r)}
                             for u, c, r in zip(self.uscc[order].tolist(),
                                                self.control[order].tolist(),
                                                self.control_rank[order].tolist())]}
