"""The directory as it stood at a log position, for auditors (名录库某一时点的状态).

A draw freezes the pool from the read models; an auditor who wants to know who was in scope at
that moment must not trust those tables (they have moved on, and they are what is audited). This
folds the directory's own events, those with notification id <= ``position``, straight from the
event store. A position, not a time: notification ids are the log's order, and on PostgreSQL
eventsourcing commits them in order (each save locks the events table), so every event up to
``current_position()`` is already visible and no later commit can slip in below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.utils import get_topic

from kernel.errors import InvalidInput
from supervision.directory.entities import MarketEntity

# Only these events change what a pool scope reads (type, region, industry, status); the rest of
# the supervision log (annual reports, inspectors, plans, tasks) is skipped by the recorder's
# topic filter instead of being decoded.
_REGISTERED = get_topic(MarketEntity.Registered)
_STATUS_CHANGED = get_topic(MarketEntity.StatusChanged)
_DETAILS_CHANGED = get_topic(MarketEntity.DetailsChanged)
TOPICS = (_REGISTERED, _STATUS_CHANGED, _DETAILS_CHANGED)
_SCOPED_DETAILS = ("region_code", "industry_code")


class EventLog(Protocol):
    """What is read: an eventsourcing Application (a read-only one on a replica will do)."""

    recorder: Any
    mapper: Any


class ScopeTerms(Protocol):
    """The terms of supervision.plans.pool.PoolScope that select entities."""

    region_prefix: str
    industry_prefixes: tuple[str, ...]
    entity_types: tuple[str, ...]


@dataclass(frozen=True)
class EntityAsOf:
    """One entity's scope attributes at the position; ``entity_no`` as in the read models."""

    entity_no: int        # notification id of the registration (entities.entity_no)
    uscc: str
    entity_type: str
    region_code: str
    industry_code: str
    status: str

    def in_scope(self, scope: ScopeTerms) -> bool:
        """The pool's rule (supervision.plans.pool): active, under the region prefix, of the
        listed types (all if none) and industry prefixes (all if none)."""
        return (self.status == "active"
                and self.region_code.startswith(scope.region_prefix)
                and (not scope.entity_types or self.entity_type in scope.entity_types)
                and (not scope.industry_prefixes
                     or self.industry_code.startswith(tuple(scope.industry_prefixes))))


def current_position(app: EventLog) -> int:
    """The log's newest notification id now (0 for an empty log)."""
    return app.recorder.max_notification_id() or 0


def entities_as_of(app: EventLog, position: int, page: int = 5_000) -> dict[str, EntityAsOf]:
    """Per USCC, in registration order: every entity registered at or before ``position`` with
    its type, region, industry and status as of that position."""
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise InvalidInput("position must be a notification id (an integer >= 0)", field="position")
    newest = current_position(app)
    if position > newest:
        # Events not yet recorded would later land below it: the answer would not be final.
        raise InvalidInput(f"position {position} is beyond the log's newest event ({newest})",
                           field="position")
    folded: dict[UUID, EntityAsOf] = {}
    for n, event in _events(app, position, page):
        if n.topic == _REGISTERED:
            folded[n.originator_id] = EntityAsOf(
                entity_no=n.id, uscc=event.uscc, entity_type=event.entity_type,
                region_code=event.region_code, industry_code=event.industry_code,
                status="active")
            continue
        was = folded[n.originator_id]   # a registration precedes its aggregate's later events
        if n.topic == _STATUS_CHANGED:
            folded[n.originator_id] = replace(was, status=event.status)
        else:
            changed = {k: event.changes[k] for k in _SCOPED_DETAILS if k in event.changes}
            folded[n.originator_id] = replace(was, **changed)
    return {e.uscc: e for e in folded.values()}


def _events(app: EventLog, position: int, page: int):
    after = 0
    to_domain_event = app.mapper.to_domain_event
    while after < position:
        batch: Sequence[Any] = app.recorder.select_notifications(
            start=after, limit=page, stop=position, topics=TOPICS, inclusive_of_start=False)
        for n in batch:
            yield n, to_domain_event(n)
        if len(batch) < page:
            return
        after = batch[-1].id
