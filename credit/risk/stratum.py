"""A learned model feeding a draw stratum (rules.model_stratum): `Platform.risk_classes` with
the latest recorded model that beat the A–D rules out of sample raising the pool's
highest-scored entities to a higher class, never lowering one. Off unless configured; with no
model that beat the rules it changes nothing. Every pool it feeds is recorded as an event
(`RiskModelRecord.FedPool`: version, the pool's public digest — the one the draw's public
record names —, how many it raised and their digest), so each draw it fed names its model and
that model's recorded evaluation. Scoring uses numpy only (credit.risk.model)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date

import numpy as np
import sqlalchemy as sa

from credit.risk.features import FEATURES, feature_matrix
from credit.risk.model import RiskModel
from credit.risk.queries import load_history
from credit.risk.views import latest_model
from credit.rules import Rules
from kernel.rulebook import RISK_CLASSES
from supervision.directory.views import entities
from supervision.plans.ranks import public_pool_digest

log = logging.getLogger(__name__)


def raised_classes(classes: np.ndarray, score: np.ndarray, top_share: float,
                   raise_to: int) -> tuple[np.ndarray, np.ndarray]:
    """(new classes, rows raised): the ceil(top_share·n) highest scores, ties by position,
    lifted to at least `raise_to`."""
    n = classes.size
    k = int(np.ceil(top_share * n)) if n else 0
    top = np.lexsort((np.arange(n), -score))[:k]
    out = classes.copy()
    out[top] = np.maximum(out[top], raise_to)
    return out, top[classes[top] < raise_to]


class ModelStratum:
    """Wraps the stored classes; `record(version, digest, size, raised, raised_digest, on)` is
    the credit use case recording the feed."""

    def __init__(self, engine: sa.Engine, rules: Rules,
                 base: Callable[[np.ndarray], np.ndarray], record: Callable[..., None],
                 today: Callable[[], date]) -> None:
        self.engine, self.rules, self.base = engine, rules, base
        self.record, self.today = record, today

    def __call__(self, entity_no: np.ndarray) -> np.ndarray:
        classes = np.asarray(self.base(entity_no))
        cfg = self.rules.model_stratum
        if not cfg.enabled or entity_no.size == 0:
            return classes
        on = self.today()
        with self.engine.connect() as conn:
            found = latest_model(conn)
            if found is None:
                return classes
            model = RiskModel.from_dict(found["model"])
            if model.features != FEATURES:
                log.warning("risk model %s was fitted on other features; not used",
                            model.version)
                return classes
            h = load_history(conn, self.rules, on)
            uscc = dict(conn.execute(sa.select(entities.c.entity_no, entities.c.uscc)
                                     .where(entities.c.entity_no.in_(
                                         [int(n) for n in entity_no]))).all()) \
                if entity_no.size <= 20_000 else dict(conn.execute(
                    sa.select(entities.c.entity_no, entities.c.uscc)).all())
        x, _, known = feature_matrix(h, on, self.rules.risk_scoring, self.rules.abnormal_list,
                                     self.rules.hazard.in_score)
        at = np.searchsorted(h.facts.entity_no, entity_no)
        hit = at < h.size
        hit[hit] = h.facts.entity_no[at[hit]] == entity_no[hit]
        score = np.full(entity_no.size, -np.inf)
        rows = at[hit]
        score[hit] = np.where(known[rows], model.predict(x[rows]), -np.inf)
        out, raised = raised_classes(classes, score, cfg.top_share,
                                     RISK_CLASSES.index(cfg.raise_to))
        digest = public_pool_digest(np.sort(np.array([uscc[int(n)] for n in entity_no], "S18")))
        who = hashlib.sha256(np.sort(entity_no[raised]).astype("<i8").tobytes()).hexdigest()
        self.record(found["model_version"], digest, int(entity_no.size), int(raised.size),
                    "sha256:" + who, on)
        return out.astype(classes.dtype)
