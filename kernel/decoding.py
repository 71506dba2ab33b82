"""Domain events from stored events without the JSON decoder's per-object hook.

The library's mapper decodes a stored state with `json`'s object_hook, a Python call for every
JSON object of every event (the wrapped dates and timestamps, and every plain dict): about a
fifth of a projection catch-up. `EventDecoder` parses with orjson (from the stored bytes, no text
decoded first; what orjson refuses, e.g. NaN or an integer beyond 64 bits, goes to the mapper),
then unwraps the transcoded values (`{"_type_": …, "_data_": …}`) itself, bottom-up as the hook
would, and builds the event as the mapper does (same class, same `__dict__`). Anything else the
mapper would do (a cipher, a compressor, an upcast of an older class version) goes through it.
"""

from __future__ import annotations

import weakref
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Mapper, find_id_convertor
from eventsourcing.utils import resolve_topic

_dict, _list = dict, list


class EventDecoder:
    """`mapper.to_domain_event`, faster: same events (tests/unit/test_event_decoder.py)."""

    def __init__(self, mapper: Mapper) -> None:
        self.mapper = mapper
        transcoder = mapper.transcoder
        self.fast = (isinstance(transcoder, JSONTranscoder) and not mapper.cipher
                     and not mapper.compressor)
        if self.fast:
            self.names = transcoder.names
            self.parse = orjson.loads
        # topic -> (class, originator id convertor), or None: the mapper decodes that topic
        self.classes: dict[str, tuple[type, Any] | None] = {}

    def __call__(self, stored: Any) -> Any:
        if not self.fast:
            return self.mapper.to_domain_event(stored)
        topic = stored.topic
        known = self.classes.get(topic, False)
        if known is False:
            cls = resolve_topic(topic)
            known = self.classes[topic] = None if getattr(cls, "class_version", 1) != 1 else (
                cls, find_id_convertor(cls, type(stored.originator_id)))
        if known is None:
            return self.mapper.to_domain_event(stored)
        state = stored.state
        try:
            values = self.parse(state)
            for key, value in values.items():
                kind = value.__class__
                if kind is _dict or kind is _list:
                    values[key] = self._unwrap(value)
        except Exception:   # the mapper's own error (MapperDeserialisationError), or its upcast
            return self.mapper.to_domain_event(stored)
        if "class_version" in values:
            return self.mapper.to_domain_event(stored)
        cls, convert = known
        values["originator_id"] = convert(stored.originator_id)
        values["originator_version"] = stored.originator_version
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", values)
        return event

    def _unwrap(self, value: Any) -> Any:
        """What the transcoder's object hook makes of a parsed value (inner values first)."""
        if value.__class__ is _list:
            for i, item in enumerate(value):
                kind = item.__class__
                if kind is _dict or kind is _list:
                    value[i] = self._unwrap(item)
            return value
        for key, item in value.items():
            kind = item.__class__
            if kind is _dict or kind is _list:
                value[key] = self._unwrap(item)
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return self.names[value["_type_"]].decode(value["_data_"])
        return value


_decoders: weakref.WeakKeyDictionary[Any, EventDecoder] = weakref.WeakKeyDictionary()


def decoder(mapper: Any) -> Any:
    """The event decoder of a log's mapper (its own `to_domain_event` when it is no library
    Mapper, e.g. kernel.eventlog.RawLog keeping notifications undecoded)."""
    if not isinstance(mapper, Mapper):
        return mapper.to_domain_event
    found = _decoders.get(mapper)
    if found is None:
        found = _decoders[mapper] = EventDecoder(mapper)
    return found
