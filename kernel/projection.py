"""A projection: a read model built from one application's events, its handlers marked with
@handles (kernel.projections runs them, one batch and one transaction at a time)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import sqlalchemy as sa

from kernel.units import Unit

Handler = Callable[[Any, Any, int, Unit], None]


def handles(*event_types: type) -> Callable[[Handler], Handler]:
    """Mark a projection method as the handler of these event classes."""

    def mark(fn: Handler) -> Handler:
        fn._handles = event_types  # type: ignore[attr-defined]
        return fn

    return mark


class Projection:
    """A read model built from one application's events; subclasses mark handlers with @handles."""

    name: ClassVar[str]
    tables: ClassVar[tuple[sa.Table, ...]] = ()
    # True when other runners' projections write rows of the same tables (the Merkle trees'
    # log_leaves): a rebuild then clears and replays this projection's rows in place, as a
    # generation switch would replace the other runners' rows too (kernel.generations)
    shares_tables: ClassVar[bool] = False
    # True when every handler reads only rows written for the event's own originator (and
    # writes no row another originator's events also write): the projection may then be caught
    # up by several workers, each owning a segment of originators (kernel.segments)
    segmentable: ClassVar[bool] = False
    _handlers: ClassVar[dict[type, Handler]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for base in reversed(cls.__mro__):
            for attr in vars(base).values():
                for event_type in getattr(attr, "_handles", ()):
                    cls._handlers[event_type] = attr

    def apply(self, event: Any, position: int, unit: Unit) -> None:
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(self, event, position, unit)

    def begin_batch(self) -> None:
        """Before each batch: drop any state a rolled-back batch left behind."""

    def end_batch(self, unit: Unit) -> None:
        """After the batch's events, in its transaction: write what was accumulated (e.g. sums)."""

    def clear(self, conn: sa.Connection) -> None:
        """Empty this projection's tables (before a rebuild)."""
        for table in reversed(self.tables):
            conn.execute(table.delete())
